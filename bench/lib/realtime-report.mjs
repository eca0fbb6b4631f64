// Turns the realtime benchmark's rounds into medians, ratios, a Markdown table and an SVG chart. Each
// metric compares a subject (a Parley face, or a peer against the near-limit) with a peer; the ratio
// is subject ÷ peer per round (the two ran back to back), then the median, as in the store report.
import { formatNumber, formatRatio, svgChart } from './store-report.mjs';
import { judgeMetric } from './metric-verdict.mjs';

const names = {
  'raw-ws': 'raw ws broadcast',
  'plain-socketio': 'plain Socket.IO room',
  'parley-v1': 'Parley V1 WebSocket',
  'parley-socketio': 'Parley Socket.IO',
};

export function participantName(participant) {
  return names[participant] ?? participant;
}

const figure = (workload, key) => (participant) => (round) => {
  const result = round[workload]?.[participant];
  return result === undefined || result.unavailable !== undefined ? undefined : result[key];
};

function pairs(definition) {
  return definition.pairs.map(([subject, peer, target]) => ({
    id: `${definition.id}.${subject}-vs-${peer}`,
    workload: definition.workload,
    metric: definition.metric,
    subject,
    peer,
    subjectValue: definition.value(subject),
    peerValue: definition.value(peer),
    target,
    digits: definition.digits,
  }));
}

export const realtimeMetrics = [
  ...pairs({
    id: 'b1.deliveriesPerSecond',
    workload: 'B1 fan-out to N sockets',
    metric: 'deliveries/s',
    value: figure('b1', 'deliveriesPerSecond'),
    digits: 0,
    pairs: [
      ['parley-v1', 'raw-ws', { ratioAtLeast: 0.7 }],
      ['parley-socketio', 'plain-socketio', { ratioAtLeast: 0.9 }],
      ['parley-socketio', 'raw-ws'],
      ['plain-socketio', 'raw-ws'],
    ],
  }),
  ...pairs({
    id: 'b1.serverMicrosPerDelivery',
    workload: 'B1 fan-out to N sockets',
    metric: 'server CPU µs/delivery',
    value: figure('b1', 'serverMicrosPerDelivery'),
    digits: 2,
    pairs: [
      ['parley-v1', 'raw-ws'],
      ['parley-socketio', 'plain-socketio'],
      ['plain-socketio', 'raw-ws'],
    ],
  }),
  ...pairs({
    id: 'b1.p50Ms',
    workload: 'B1 fan-out to N sockets',
    metric: 'p50 append→receive (ms)',
    value: figure('b1', 'p50Ms'),
    digits: 2,
    pairs: [
      ['parley-v1', 'raw-ws'],
      ['parley-socketio', 'plain-socketio'],
    ],
  }),
  ...pairs({
    id: 'b1.p99Ms',
    workload: 'B1 fan-out to N sockets',
    metric: 'p99 append→receive (ms)',
    value: figure('b1', 'p99Ms'),
    digits: 2,
    pairs: [
      ['parley-v1', 'raw-ws'],
      ['parley-socketio', 'plain-socketio'],
      ['plain-socketio', 'raw-ws'],
    ],
  }),
  ...pairs({
    id: 'b4.rssBytesPerConnection',
    workload: 'B4 idle connections',
    metric: 'RSS bytes/connection',
    value: figure('b4', 'rssBytesPerConnection'),
    digits: 0,
    pairs: [
      ['parley-v1', 'raw-ws', { ratioAtMost: 1.2 }],
      ['parley-socketio', 'plain-socketio', { ratioAtMost: 1.2 }],
      ['plain-socketio', 'raw-ws'],
    ],
  }),
  ...pairs({
    id: 'b4.heapBytesPerConnection',
    workload: 'B4 idle connections',
    metric: 'heap bytes/connection',
    value: figure('b4', 'heapBytesPerConnection'),
    digits: 0,
    pairs: [
      ['parley-v1', 'raw-ws'],
      ['parley-socketio', 'plain-socketio'],
      ['plain-socketio', 'raw-ws'],
    ],
  }),
  ...pairs({
    id: 'b4.connectsPerSecond',
    workload: 'B4 idle connections',
    metric: 'connects/s',
    value: figure('b4', 'connectsPerSecond'),
    digits: 0,
    pairs: [
      ['parley-v1', 'raw-ws'],
      ['parley-socketio', 'plain-socketio'],
    ],
  }),
  ...pairs({
    id: 'b6.p50Ms',
    workload: 'B6 command round trip under half load',
    metric: 'p50 (ms)',
    value: figure('b6', 'p50Ms'),
    digits: 2,
    pairs: [
      ['parley-v1', 'raw-ws'],
      ['parley-socketio', 'raw-ws'],
      ['plain-socketio', 'raw-ws'],
    ],
  }),
  ...pairs({
    id: 'b6.p99Ms',
    workload: 'B6 command round trip under half load',
    metric: 'p99 (ms)',
    value: figure('b6', 'p99Ms'),
    digits: 2,
    pairs: [
      ['parley-v1', 'raw-ws', { ratioAtMost: 2 }],
      ['parley-socketio', 'raw-ws', { ratioAtMost: 2 }],
      ['plain-socketio', 'raw-ws'],
    ],
  }),
];

/**
 * Medians over the counted rounds and the verdict of each metric. A metric whose subject never ran
 * (a Parley face not in this build) keeps the peer's figure and reports `unavailable`; metrics of
 * `skipped` participants (not asked for) are left out.
 */
export function summarise(countedRounds, unavailable = {}, skipped = []) {
  return realtimeMetrics
    .filter(
      (definition) => !skipped.includes(definition.subject) && !skipped.includes(definition.peer),
    )
    .map((definition) => {
      const verdict = judgeMetric(
        {
          subjectOf: definition.subjectValue,
          peerOf: definition.peerValue,
          target: definition.target,
        },
        countedRounds,
      );
      if (verdict.subject === undefined && verdict.peer === undefined) return undefined;
      return {
        id: definition.id,
        workload: definition.workload,
        metric: definition.metric,
        subject: participantName(definition.subject),
        subjectKey: definition.subject,
        peer: participantName(definition.peer),
        digits: definition.digits,
        // `parley` and `peerValue` are the names store-report's svgChart reads.
        parley: verdict.subject,
        peerValue: verdict.peer,
        ratio: verdict.ratio,
        perRound: {
          subject: verdict.subjectValues,
          peer: verdict.peerValues,
          ratios: verdict.ratios,
        },
        target: verdict.targetText,
        status: verdict.subject === undefined ? 'unavailable' : verdict.status,
        note: verdict.subject === undefined ? unavailable[definition.subject] : undefined,
      };
    })
    .filter((row) => row !== undefined);
}

export function markdownTable(rows) {
  const lines = [
    '| Workload | Metric | Subject | Figure | Peer | Peer figure | Ratio | Target | Result |',
    '| --- | --- | --- | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const row of rows) {
    const result =
      row.status === 'unavailable'
        ? 'not available yet'
        : row.status === 'info'
          ? 'info'
          : row.status === 'pass'
            ? '**pass**'
            : '**miss**';
    lines.push(
      `| ${row.workload} | ${row.metric} | ${row.subject} | ${formatNumber(row.parley, row.digits)} | ${
        row.peer
      } | ${formatNumber(row.peerValue, row.digits)} | ${formatRatio(row)} | ${row.target} | ${result} |`,
    );
  }
  return lines.join('\n');
}

/** The chart of the targeted rows that ran (pass or miss). */
export function chart(rows, title) {
  return svgChart(
    rows.filter((row) => row.status === 'pass' || row.status === 'miss'),
    title,
  );
}
