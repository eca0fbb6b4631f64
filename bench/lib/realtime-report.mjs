// @ts-check
// Turns the realtime benchmark's rounds into medians, ratios, a Markdown table and an SVG chart. Each
// metric compares a subject (a Parley face, or a peer against the near-limit) with a peer; the ratio
// is subject ÷ peer per round (the two ran back to back), then the median, as in the store report.
import { comparisonTable, judgeComparisons } from './comparison-report.mjs';
import { formatNumber, svgChart } from './store-report.mjs';

/** @type {Record<string, string>} */
const names = {
  'raw-ws': 'raw ws broadcast',
  'plain-socketio': 'plain Socket.IO room',
  'parley-v1': 'Parley V1 WebSocket',
  'parley-socketio': 'Parley Socket.IO',
};

/** @param {string} participant */
export function participantName(participant) {
  return names[participant] ?? participant;
}

/** @type {Record<string, string>} */
const workloadNames = {
  b1: 'B1 fan-out to N sockets',
  b4: 'B4 idle connections',
  b6: 'B6 command round trip under half load',
};

/**
 * One metric per [subject, peer, target?] pair: `figure` is `workload.key` of the round records
 * (also the metric's id, followed by `.subject-vs-peer`).
 * @param {string} figure
 * @param {string} metric
 * @param {number} digits
 * @param {[string, string, import('./store-report.mjs').Target?][]} list
 * @returns {import('./comparison-report.mjs').ComparisonDefinition[]}
 */
function pairs(figure, metric, digits, list) {
  const [workloadKey = '', key = ''] = figure.split('.');
  /** @type {(participant: string) => (round: any) => unknown} */
  const value = (participant) => (round) => {
    const result = round[workloadKey]?.[participant];
    return result === undefined || result.unavailable !== undefined ? undefined : result[key];
  };
  return list.map(([subject, peer, target]) => ({
    id: `${figure}.${subject}-vs-${peer}`,
    workload: workloadNames[workloadKey] ?? figure,
    metric,
    subject,
    peer,
    subjectValue: value(subject),
    peerValue: value(peer),
    target,
    digits,
  }));
}

/** @type {[string, string]} */
const v1VsRaw = ['parley-v1', 'raw-ws'];
/** @type {[string, string]} */
const socketIoVsRaw = ['parley-socketio', 'raw-ws'];
/** @type {[string, string]} */
const socketIoVsPlain = ['parley-socketio', 'plain-socketio'];
/** @type {[string, string]} */
const plainVsRaw = ['plain-socketio', 'raw-ws'];
/** @type {[string, string][]} */
const faces = [v1VsRaw, socketIoVsPlain];
/** @type {[string, string][]} */
const facesAndPeers = [v1VsRaw, socketIoVsPlain, plainVsRaw];

export const realtimeMetrics = [
  ...pairs('b1.deliveriesPerSecond', 'deliveries/s', 0, [
    [...v1VsRaw, { ratioAtLeast: 0.7 }],
    [...socketIoVsPlain, { ratioAtLeast: 0.9 }],
    socketIoVsRaw,
    plainVsRaw,
  ]),
  ...pairs('b1.serverMicrosPerDelivery', 'server CPU µs/delivery', 2, facesAndPeers),
  ...pairs('b1.p50Ms', 'p50 append→receive (ms)', 2, faces),
  ...pairs('b1.p99Ms', 'p99 append→receive (ms)', 2, facesAndPeers),
  ...pairs('b4.rssBytesPerConnection', 'RSS bytes/connection', 0, [
    [...v1VsRaw, { ratioAtMost: 1.2 }],
    [...socketIoVsPlain, { ratioAtMost: 1.2 }],
    plainVsRaw,
  ]),
  ...pairs('b4.heapBytesPerConnection', 'heap bytes/connection', 0, facesAndPeers),
  ...pairs('b4.connectsPerSecond', 'connects/s', 0, faces),
  ...pairs('b6.p50Ms', 'p50 (ms)', 2, [v1VsRaw, socketIoVsRaw, plainVsRaw]),
  ...pairs('b6.p99Ms', 'p99 (ms)', 2, [
    [...v1VsRaw, { ratioAtMost: 2 }],
    [...socketIoVsRaw, { ratioAtMost: 2 }],
    plainVsRaw,
  ]),
];

/**
 * Medians over the counted rounds and the verdict of each metric. A metric whose subject never ran
 * (a Parley face not in this build) keeps the peer's figure and reports `unavailable`; metrics of
 * `skipped` participants (not asked for) are left out.
 * @param {object[]} countedRounds
 * @param {Record<string, string>} [unavailable]  why a participant is missing
 * @param {string[]} [skipped]  participants not asked for
 */
export function summarise(countedRounds, unavailable = {}, skipped = []) {
  const definitions = realtimeMetrics.filter(
    (definition) =>
      !skipped.includes(definition.subject) && !skipped.includes(definition.peer ?? ''),
  );
  return judgeComparisons(definitions, countedRounds, {
    nameOf: participantName,
    noteOf: (participant) => unavailable[participant],
  }).filter((row) => row.parley !== undefined || row.peerValue !== undefined);
}

/** @param {import('./comparison-report.mjs').ComparisonRow[]} rows */
export function markdownTable(rows) {
  return comparisonTable(rows, 'not available yet');
}

/**
 * The chart of the targeted rows that ran (pass or miss).
 * @param {import('./comparison-report.mjs').ComparisonRow[]} rows
 * @param {string} title
 */
export function chart(rows, title) {
  return svgChart(
    rows.filter((row) => row.status === 'pass' || row.status === 'miss'),
    title,
  );
}

/** @param {any} stages */
function describeStages(stages) {
  if (stages === undefined) return '';
  /** @type {[string, string][]} */
  const names = [
    ['sentToReceived', 'to server'],
    ['receivedToAppended', 'dispatch'],
    ['appendedToWriteStart', 'commit wait'],
    ['write', 'write+fsync'],
    ['committedToHub', 'to hub'],
    ['hubToFanOut', 'hub backlog'],
    ['fanOut', 'fan-out'],
    ['sendToClient', 'to client'],
  ];
  return (
    '\n      stages p50/p99 ms: ' +
    names
      .map(
        ([key, label]) =>
          `${label} ${formatNumber(stages[key].p50Ms, 2)}/${formatNumber(stages[key].p99Ms, 2)}`,
      )
      .join(', ') +
    `; server loop delay p99 ${formatNumber(stages.eventLoopDelay.p99Ms, 2)} ms`
  );
}

/** @param {any} result */
export function describeB1(result) {
  if (result.unavailable !== undefined) return `not available yet (${result.unavailable})`;
  const busy = result.clientBusy ? ' [client process above 90% CPU]' : '';
  return (
    `${formatNumber(result.deliveriesPerSecond, 0)} deliveries/s, ` +
    `${formatNumber(result.serverMicrosPerDelivery, 2)} server µs/delivery, ` +
    `p50 ${formatNumber(result.p50Ms, 2)} p99 ${formatNumber(result.p99Ms, 2)} ms, ` +
    `client CPU ${Math.round(result.clientCpuUtilisation * 100)}%${busy}` +
    (result.outOfOrder > 0 ? `, ${result.outOfOrder} OUT OF ORDER` : '') +
    (result.appendErrors > 0 ? `, ${result.appendErrors} APPEND ERRORS` : '')
  );
}

/** @param {any} result */
export function describeB6(result) {
  return (
    `round trip p50 ${formatNumber(result.p50Ms, 2)} p99 ${formatNumber(result.p99Ms, 2)} ms ` +
    `under ${formatNumber(result.backgroundEventsPerSecond, 0)} events/s ` +
    `(${formatNumber(result.backgroundDeliveriesPerSecond, 0)} deliveries/s), ` +
    `server CPU ${Math.round(result.serverCpuUtilisation * 100)}%` +
    describeStages(result.serverStages)
  );
}

/** @param {any} result */
export function describeB4(result) {
  if (result.unavailable !== undefined) return `not available yet (${result.unavailable})`;
  return (
    `${formatNumber(result.rssBytesPerConnection / 1024, 1)} KiB RSS and ` +
    `${formatNumber(result.heapBytesPerConnection / 1024, 1)} KiB heap per connection, ` +
    `${formatNumber(result.connectsPerSecond, 0)} connects/s`
  );
}
