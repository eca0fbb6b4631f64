// Turns the realtime benchmark's rounds into medians, ratios, a Markdown table and an SVG chart. Each
// metric compares a subject (a Parley face, or a peer against the near-limit) with a peer; the ratio
// is subject ÷ peer per round (the two ran back to back), then the median, as in the store report.
import { comparisonTable, judgeComparisons } from './comparison-report.mjs';
import { svgChart } from './store-report.mjs';

const names = {
  'raw-ws': 'raw ws broadcast',
  'plain-socketio': 'plain Socket.IO room',
  'parley-v1': 'Parley V1 WebSocket',
  'parley-socketio': 'Parley Socket.IO',
};

export function participantName(participant) {
  return names[participant] ?? participant;
}

/**
 * One metric per [subject, peer, target?] pair: `figure` is `workload.key` of the round records
 * (also the metric's id, followed by `.subject-vs-peer`).
 */
function pairs({ figure, workload, metric, digits }, list) {
  const [workloadKey, key] = figure.split('.');
  const value = (participant) => (round) => {
    const result = round[workloadKey]?.[participant];
    return result === undefined || result.unavailable !== undefined ? undefined : result[key];
  };
  return list.map(([subject, peer, target]) => ({
    id: `${figure}.${subject}-vs-${peer}`,
    workload,
    metric,
    subject,
    peer,
    subjectValue: value(subject),
    peerValue: value(peer),
    target,
    digits,
  }));
}

const b1 = 'B1 fan-out to N sockets';
const b4 = 'B4 idle connections';
const b6 = 'B6 command round trip under half load';
const v1VsRaw = ['parley-v1', 'raw-ws'];
const socketIoVsPlain = ['parley-socketio', 'plain-socketio'];
const plainVsRaw = ['plain-socketio', 'raw-ws'];

export const realtimeMetrics = [
  ...pairs({ figure: 'b1.deliveriesPerSecond', workload: b1, metric: 'deliveries/s', digits: 0 }, [
    [...v1VsRaw, { ratioAtLeast: 0.7 }],
    [...socketIoVsPlain, { ratioAtLeast: 0.9 }],
    ['parley-socketio', 'raw-ws'],
    plainVsRaw,
  ]),
  ...pairs(
    {
      figure: 'b1.serverMicrosPerDelivery',
      workload: b1,
      metric: 'server CPU µs/delivery',
      digits: 2,
    },
    [v1VsRaw, socketIoVsPlain, plainVsRaw],
  ),
  ...pairs({ figure: 'b1.p50Ms', workload: b1, metric: 'p50 append→receive (ms)', digits: 2 }, [
    v1VsRaw,
    socketIoVsPlain,
  ]),
  ...pairs({ figure: 'b1.p99Ms', workload: b1, metric: 'p99 append→receive (ms)', digits: 2 }, [
    v1VsRaw,
    socketIoVsPlain,
    plainVsRaw,
  ]),
  ...pairs(
    { figure: 'b4.rssBytesPerConnection', workload: b4, metric: 'RSS bytes/connection', digits: 0 },
    [[...v1VsRaw, { ratioAtMost: 1.2 }], [...socketIoVsPlain, { ratioAtMost: 1.2 }], plainVsRaw],
  ),
  ...pairs(
    {
      figure: 'b4.heapBytesPerConnection',
      workload: b4,
      metric: 'heap bytes/connection',
      digits: 0,
    },
    [v1VsRaw, socketIoVsPlain, plainVsRaw],
  ),
  ...pairs({ figure: 'b4.connectsPerSecond', workload: b4, metric: 'connects/s', digits: 0 }, [
    v1VsRaw,
    socketIoVsPlain,
  ]),
  ...pairs({ figure: 'b6.p50Ms', workload: b6, metric: 'p50 (ms)', digits: 2 }, [
    v1VsRaw,
    ['parley-socketio', 'raw-ws'],
    plainVsRaw,
  ]),
  ...pairs({ figure: 'b6.p99Ms', workload: b6, metric: 'p99 (ms)', digits: 2 }, [
    [...v1VsRaw, { ratioAtMost: 2 }],
    ['parley-socketio', 'raw-ws', { ratioAtMost: 2 }],
    plainVsRaw,
  ]),
];

/**
 * Medians over the counted rounds and the verdict of each metric. A metric whose subject never ran
 * (a Parley face not in this build) keeps the peer's figure and reports `unavailable`; metrics of
 * `skipped` participants (not asked for) are left out.
 */
export function summarise(countedRounds, unavailable = {}, skipped = []) {
  const definitions = realtimeMetrics.filter(
    (definition) => !skipped.includes(definition.subject) && !skipped.includes(definition.peer),
  );
  return judgeComparisons(definitions, countedRounds, {
    nameOf: participantName,
    noteOf: (participant) => unavailable[participant],
  }).filter((row) => row.parley !== undefined || row.peerValue !== undefined);
}

export function markdownTable(rows) {
  return comparisonTable(rows, 'not available yet');
}

/** The chart of the targeted rows that ran (pass or miss). */
export function chart(rows, title) {
  return svgChart(
    rows.filter((row) => row.status === 'pass' || row.status === 'miss'),
    title,
  );
}
