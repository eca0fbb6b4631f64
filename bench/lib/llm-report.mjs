// @ts-check
// Turns the LLM benchmark's rounds into medians, ratios and verdicts, in the row shape that
// store-report.mjs's markdownTable and svgChart draw.
import { judgeMetric } from './metric-verdict.mjs';
import { figureAt } from './store-report.mjs';

const direct = 'direct fetch + JSON.parse';

const library = 'provider library alone (doStream reader)';

/**
 * One metric: Parley's figure at `parley.<path>` of a round, the peer's at `<peer>.<path>` (the
 * direct consumer unless the options name another record, or none).
 * @param {string} id
 * @param {string} workload
 * @param {string} name
 * @param {string} path
 * @param {number} digits
 * @param {{ target?: object, peer?: string, peerName?: string }} [options]
 */
function metric(id, workload, name, path, digits, { target, peer = 'direct', peerName } = {}) {
  return {
    id,
    workload,
    metric: name,
    peerName,
    parley: figureAt(`parley.${path}`),
    other: figureAt(`${peer}.${path}`),
    target,
    digits,
  };
}

const flood = 'B7 relay, chunk flood';
const paced = 'B7 relay, 1 chunk/ms';
const stop = 'B7 stop → upstream socket closed';
const versusLibrary = { peer: 'library', peerName: library };

/** target: { ratioAtLeast } | { ratioAtMost } | { atMost } (ms, on Parley's figure) | none. */
export const llmMetrics = [
  metric('b7.chunksPerSecond', flood, 'chunks/s', 'throughput.chunksPerSecond', 0, {
    target: { ratioAtLeast: 0.7 },
  }),
  metric(
    'b7.chunksPerSecondVsLibrary',
    flood,
    'chunks/s',
    'throughput.chunksPerSecond',
    0,
    versusLibrary,
  ),
  metric('b7.cpuMicrosPerChunk', flood, 'client CPU µs/chunk', 'throughput.cpuMicrosPerChunk', 2),
  metric(
    'b7.cpuMicrosPerChunkVsLibrary',
    flood,
    'client CPU µs/chunk',
    'throughput.cpuMicrosPerChunk',
    2,
    versusLibrary,
  ),
  metric('b7.p50LatencyMs', paced, 'p50 server write → client (ms)', 'latency.p50Ms', 3),
  metric('b7.p99LatencyMs', paced, 'p99 server write → client (ms)', 'latency.p99Ms', 3),
  {
    id: 'b7.addedP99LatencyMs',
    workload: paced,
    metric: 'added p99 per chunk (ms)',
    peerName: '—',
    parley: (/** @type {any} */ round) => round.parley.latency.p99Ms - round.direct.latency.p99Ms,
    other: () => undefined,
    target: { atMost: 2 },
    digits: 3,
  },
  metric('b7.stopP50Ms', stop, 'p50 (ms)', 'stop.p50Ms', 2),
  metric('b7.stopMaxMs', stop, 'worst of the round (ms)', 'stop.maxMs', 2, {
    target: { atMost: 100, everyRound: true },
  }),
];

/** @param {any[]} countedRounds  the counted rounds of bench/llm-bench.mjs */
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
