// @ts-check
// Turns the realtime benchmark's rounds into medians, ratios, a Markdown table and an SVG chart. Each
// metric compares a subject (a Parley face, or a peer against the near-limit) with a peer; the ratio
// is subject ÷ peer per round (the two ran back to back), then the median, as in the store report.
import { comparisonTable, judgeComparisons } from './comparison-report.mjs';
import { svgChart } from './store-report.mjs';

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
