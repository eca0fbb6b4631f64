// @ts-check
// Turns B10's rounds (bench/runtime-bench.mjs) into medians, ratios and verdicts, in the row shape
// that store-report.mjs's markdownTable draws. The target (sandbox overhead ≤ 20 ms at the median)
// is judged on each start-up command's added time: Parley's median minus the peer's, per round,
// then the median over the counted rounds. The first byte at a client is reported with its added
// time too, as information: that path holds more than the sandbox (REST, the event log, the
// conversation's shell, the delta interval, the fan-out).
import { judgeMetric } from './metric-verdict.mjs';
import { figureAt } from './store-report.mjs';

const spawnPeer = 'child_process.spawn, unsandboxed';

/**
 * @typedef {{
 *   id: string,
 *   workload: string,
 *   metric: string,
 *   peerName?: string,
 *   parley: (round: any) => unknown,
 *   other: (round: any) => unknown,
 *   target?: { atMost?: number },
 *   digits: number,
 * }} RuntimeMetric
 */

/**
 * The start-up rows of one command: p50 and p99 of a whole run, then the added median.
 * @param {string} key  short name for ids
 * @param {string} command
 * @returns {RuntimeMetric[]}
 */
function startupMetrics(key, command) {
  const workload = `B10 sandbox start-up, \`${command}\``;
  const base = `startup.${key}`;
  /** @type {(percentile: string) => RuntimeMetric} */
  const at = (percentile) => ({
    id: `b10.startup.${key}.${percentile}`,
    workload,
    metric: `run → end ${percentile} (ms)`,
    parley: figureAt(`${base}.parley.total.${percentile}Ms`),
    other: figureAt(`${base}.spawn.total.${percentile}Ms`),
    digits: 2,
  });
  return [
    at('p50'),
    at('p99'),
    {
      id: `b10.startup.${key}.overhead`,
      workload,
      metric: 'sandbox overhead at the median (ms)',
      peerName: '—',
      parley: (round) =>
        difference(
          figureAt(`${base}.parley.total.p50Ms`)(round),
          figureAt(`${base}.spawn.total.p50Ms`)(round),
        ),
      other: () => undefined,
      target: { atMost: 20 },
      digits: 2,
    },
  ];
}

/**
 * @param {unknown} subject
 * @param {unknown} peer
 */
function difference(subject, peer) {
  return typeof subject === 'number' && typeof peer === 'number' ? subject - peer : undefined;
}

/**
 * A first-byte row: `path` of Parley's figures against the spawned command's first byte.
 * @param {string} id
 * @param {string} metric
 * @param {string} path  under `firstByte.`, e.g. `socketIo.p50Ms`
 * @returns {RuntimeMetric}
 */
function firstByteMetric(id, metric, path) {
  const percentile = path.split('.')[1] ?? 'p50Ms';
  return {
    id,
    workload: 'B10 `run` action (`echo x`) → first output byte at a client',
    metric,
    parley: figureAt(`firstByte.${path}`),
    other: figureAt(`firstByte.spawn.${percentile}`),
    digits: 2,
  };
}

/** @type {RuntimeMetric[]} */
export const runtimeMetrics = [
  ...startupMetrics('true', 'true'),
  ...startupMetrics('echo', 'echo x'),
  {
    id: 'b10.startup.echo.firstByte',
    workload: 'B10 sandbox start-up, `echo x`',
    metric: 'run → first output byte p50 (ms)',
    parley: figureAt('startup.echo.parley.firstByte.p50Ms'),
    other: figureAt('startup.echo.spawn.firstByte.p50Ms'),
    digits: 2,
  },
  firstByteMetric('b10.firstByte.socketIo.p50', 'Socket.IO client, p50 (ms)', 'socketIo.p50Ms'),
  firstByteMetric('b10.firstByte.socketIo.p99', 'Socket.IO client, p99 (ms)', 'socketIo.p99Ms'),
  firstByteMetric('b10.firstByte.v1.p50', 'V1 WebSocket client, p50 (ms)', 'v1.p50Ms'),
  firstByteMetric('b10.firstByte.v1.p99', 'V1 WebSocket client, p99 (ms)', 'v1.p99Ms'),
  {
    id: 'b10.firstByte.socketIo.added',
    workload: 'B10 `run` action (`echo x`) → first output byte at a client',
    metric: 'added at the median, Socket.IO (ms)',
    peerName: '—',
    parley: (round) => difference(round.firstByte?.socketIo?.p50Ms, round.firstByte?.spawn?.p50Ms),
    other: () => undefined,
    digits: 2,
  },
  {
    id: 'b10.firstByte.observation.p50',
    workload: 'B10 `run` action (`echo x`) → its `run` observation at a client',
    metric: 'Socket.IO client, p50 (ms)',
    peerName: '—',
    parley: figureAt('firstByte.observation.p50Ms'),
    other: () => undefined,
    digits: 2,
  },
  {
    id: 'b10.firstByte.serverCpu',
    workload: 'B10 `run` action (`echo x`) → first output byte at a client',
    metric: 'server process CPU per command (µs, sandbox processes not included)',
    peerName: '—',
    parley: figureAt('firstByte.serverCpuMicrosPerCommand'),
    other: () => undefined,
    digits: 0,
  },
  {
    id: 'b10.firstByte.serverSystemCpu',
    workload: 'B10 `run` action (`echo x`) → first output byte at a client',
    metric: 'of which system CPU (µs; each spawn forks the server process)',
    peerName: '—',
    parley: figureAt('firstByte.serverSystemCpuMicrosPerCommand'),
    other: () => undefined,
    digits: 0,
  },
];

/** @param {any[]} countedRounds  the counted rounds of bench/runtime-bench.mjs */
export function summariseRuntime(countedRounds) {
  return runtimeMetrics.map((definition) => {
    const verdict = judgeMetric(
      { subjectOf: definition.parley, peerOf: definition.other, target: definition.target },
      countedRounds,
    );
    return {
      id: definition.id,
      workload: definition.workload,
      metric: definition.metric,
      peer: definition.peerName ?? spawnPeer,
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
