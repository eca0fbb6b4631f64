// Turns the LLM benchmark's rounds into medians, ratios and verdicts, in the row shape that
// store-report.mjs's markdownTable and svgChart draw.
import { judgeMetric } from './metric-verdict.mjs';

const direct = 'direct fetch + JSON.parse';

/** target: { ratioAtLeast } | { ratioAtMost } | { atMost } (ms, on Parley's figure) | none. */
export const llmMetrics = [
  {
    id: 'b7.chunksPerSecond',
    workload: 'B7 relay, chunk flood',
    metric: 'chunks/s',
    parley: (round) => round.parley.throughput.chunksPerSecond,
    other: (round) => round.direct.throughput.chunksPerSecond,
    target: { ratioAtLeast: 0.7 },
    digits: 0,
  },
  {
    id: 'b7.chunksPerSecondVsLibrary',
    workload: 'B7 relay, chunk flood',
    metric: 'chunks/s',
    peerName: 'provider library alone (doStream reader)',
    parley: (round) => round.parley.throughput.chunksPerSecond,
    other: (round) => round.library?.throughput.chunksPerSecond,
    digits: 0,
  },
  {
    id: 'b7.cpuMicrosPerChunk',
    workload: 'B7 relay, chunk flood',
    metric: 'client CPU µs/chunk',
    parley: (round) => round.parley.throughput.cpuMicrosPerChunk,
    other: (round) => round.direct.throughput.cpuMicrosPerChunk,
    digits: 2,
  },
  {
    id: 'b7.cpuMicrosPerChunkVsLibrary',
    workload: 'B7 relay, chunk flood',
    metric: 'client CPU µs/chunk',
    peerName: 'provider library alone (doStream reader)',
    parley: (round) => round.parley.throughput.cpuMicrosPerChunk,
    other: (round) => round.library?.throughput.cpuMicrosPerChunk,
    digits: 2,
  },
  {
    id: 'b7.p50LatencyMs',
    workload: 'B7 relay, 1 chunk/ms',
    metric: 'p50 server write → client (ms)',
    parley: (round) => round.parley.latency.p50Ms,
    other: (round) => round.direct.latency.p50Ms,
    digits: 3,
  },
  {
    id: 'b7.p99LatencyMs',
    workload: 'B7 relay, 1 chunk/ms',
    metric: 'p99 server write → client (ms)',
    parley: (round) => round.parley.latency.p99Ms,
    other: (round) => round.direct.latency.p99Ms,
    digits: 3,
  },
  {
    id: 'b7.addedP99LatencyMs',
    workload: 'B7 relay, 1 chunk/ms',
    metric: 'added p99 per chunk (ms)',
    peerName: '—',
    parley: (round) => round.parley.latency.p99Ms - round.direct.latency.p99Ms,
    other: () => undefined,
    target: { atMost: 2 },
    digits: 3,
  },
  {
    id: 'b7.stopP50Ms',
    workload: 'B7 stop → upstream socket closed',
    metric: 'p50 (ms)',
    parley: (round) => round.parley.stop.p50Ms,
    other: (round) => round.direct.stop.p50Ms,
    digits: 2,
  },
  {
    id: 'b7.stopMaxMs',
    workload: 'B7 stop → upstream socket closed',
    metric: 'worst of the round (ms)',
    parley: (round) => round.parley.stop.maxMs,
    other: (round) => round.direct.stop.maxMs,
    target: { atMost: 100, everyRound: true },
    digits: 2,
  },
];

export function summariseLlm(countedRounds) {
  return llmMetrics.map((definition) => {
    const verdict = judgeMetric(
      { subjectOf: definition.parley, peerOf: definition.other, target: definition.target },
      countedRounds,
    );
    return {
      id: definition.id,
      workload: definition.workload,
      metric: definition.metric,
      peer: definition.peerName ?? direct,
      digits: definition.digits,
      parley: verdict.subject,
      peerValue: verdict.peer,
      ratio: verdict.ratio,
      perRound: { parley: verdict.subjectValues, peer: verdict.peerValues, ratios: verdict.ratios },
      target: verdict.targetText,
      status: verdict.status,
    };
  });
}
