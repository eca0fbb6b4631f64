// Turns the store benchmark's rounds into medians, ratios, a Markdown table and an SVG chart.
import { finite, judgeMetric } from './metric-verdict.mjs';

/**
 * Each metric takes a counted round and returns Parley's figure and the peer's. The ratio is
 * Parley ÷ peer, computed per round (the two ran back to back) and then the median taken.
 * target: { ratioAtLeast } | { ratioAtMost } | { atMost, unit } (absolute, on Parley's figure) | none.
 */
export const storeMetrics = [
  {
    id: 'b2.eventsPerSecond',
    workload: 'B2 durable append, 20 conversations',
    metric: 'events/s',
    peer: 'raw better-sqlite3 group commit',
    parley: (round) => round.b2?.parleyConcurrent.eventsPerSecond,
    other: (round) => round.b2?.rawGroupCommit.eventsPerSecond,
    target: { ratioAtLeast: 0.8 },
    digits: 0,
  },
  {
    id: 'b2.p50AckMs',
    workload: 'B2 durable append, 20 conversations',
    metric: 'p50 ack (ms)',
    peer: 'raw better-sqlite3 group commit',
    parley: (round) => round.b2?.parleyConcurrent.p50Ms,
    other: (round) => round.b2?.rawGroupCommit.p50Ms,
    digits: 2,
  },
  {
    id: 'b2.p99AckMs',
    workload: 'B2 durable append, 20 conversations',
    metric: 'p99 ack (ms)',
    peer: 'raw better-sqlite3 group commit',
    parley: (round) => round.b2?.parleyConcurrent.p99Ms,
    other: (round) => round.b2?.rawGroupCommit.p99Ms,
    digits: 2,
  },
  {
    id: 'b2.cpuMicrosPerEvent',
    workload: 'B2 durable append, 20 conversations',
    metric: 'CPU µs/event',
    peer: 'raw better-sqlite3 group commit',
    parley: (round) => round.b2?.parleyConcurrent.cpuMicrosPerEvent,
    other: (round) => round.b2?.rawGroupCommit.cpuMicrosPerEvent,
    digits: 1,
  },
  {
    id: 'b2.cpuUserMicrosPerEvent',
    workload: 'B2 durable append, 20 conversations',
    metric: 'CPU µs/event, user only',
    peer: 'raw better-sqlite3 group commit',
    parley: (round) => round.b2?.parleyConcurrent.cpuUserMicrosPerEvent,
    other: (round) => round.b2?.rawGroupCommit.cpuUserMicrosPerEvent,
    digits: 1,
  },
  {
    id: 'b2.cpuUtilisation',
    workload: 'B2 durable append, 20 conversations',
    metric: 'process CPU ÷ wall time',
    peer: 'raw better-sqlite3 group commit',
    parley: (round) => round.b2?.parleyConcurrent.cpuUtilisation,
    other: (round) => round.b2?.rawGroupCommit.cpuUtilisation,
    digits: 2,
  },
  {
    id: 'b2.meanBatch',
    workload: 'B2 durable append, 20 conversations',
    metric: 'events per transaction',
    peer: 'raw better-sqlite3 group commit',
    parley: (round) => round.b2?.parleyConcurrent.meanBatch,
    other: (round) => round.b2?.rawGroupCommit.meanBatch,
    digits: 1,
  },
  {
    id: 'b2.singleP50AckMs',
    workload: 'B2 single producer, sequential',
    metric: 'p50 ack (ms)',
    peer: 'raw write + fdatasync loop',
    parley: (round) => round.b2?.parleySingle.p50Ms,
    other: (round) => round.b2?.rawFdatasync.p50Ms,
    digits: 3,
  },
  {
    id: 'b2.singleP99AckMs',
    workload: 'B2 single producer, sequential',
    metric: 'p99 ack (ms)',
    peer: 'raw write + fdatasync loop',
    parley: (round) => round.b2?.parleySingle.p99Ms,
    other: (round) => round.b2?.rawFdatasync.p99Ms,
    target: { ratioAtMost: 2 },
    digits: 3,
  },
  {
    id: 'b2.singleP99VsRawSqlite',
    workload: 'B2 single producer, sequential',
    metric: 'p99 ack (ms)',
    peer: 'raw better-sqlite3, 1 row per commit',
    parley: (round) => round.b2?.parleySingle.p99Ms,
    other: (round) => round.b2?.rawSqliteSingle?.p99Ms,
    digits: 3,
  },
  {
    id: 'b2.singleCpuMicrosPerEvent',
    workload: 'B2 single producer, sequential',
    metric: 'CPU µs/event',
    peer: 'raw write + fdatasync loop',
    parley: (round) => round.b2?.parleySingle.cpuMicrosPerEvent,
    other: (round) => round.b2?.rawFdatasync.cpuMicrosPerEvent,
    digits: 1,
  },
  {
    id: 'b2.singleCpuMicrosPerEventVsRawSqlite',
    workload: 'B2 single producer, sequential',
    metric: 'CPU µs/event',
    peer: 'raw better-sqlite3, 1 row per commit',
    parley: (round) => round.b2?.parleySingle.cpuMicrosPerEvent,
    other: (round) => round.b2?.rawSqliteSingle?.cpuMicrosPerEvent,
    digits: 1,
  },
  {
    id: 'b3.fromStartMs',
    workload: 'B3 store replay, whole log from id 0',
    metric: 'time to last event (ms)',
    peer: 'raw SELECT + JSON.parse, 500-row pages',
    parley: (round) => round.b3?.parleyReplay.fromStart.ms,
    other: (round) => round.b3?.rawReplay.fromStart.ms,
    target: { ratioAtMost: 1.3 },
    digits: 1,
  },
  {
    id: 'b3.fromStartAbsolute',
    workload: 'B3 store replay, whole log from id 0',
    metric: 'time to last event, absolute (ms)',
    peer: '—',
    parley: (round) => round.b3?.parleyReplay.fromStart.ms,
    other: () => undefined,
    target: { atMost: 300 },
    digits: 1,
  },
  {
    id: 'b3.fromMiddleMs',
    workload: 'B3 store replay from the middle',
    metric: 'time to last event (ms)',
    peer: 'raw SELECT + JSON.parse, 500-row pages',
    parley: (round) => round.b3?.parleyReplay.fromMiddle.ms,
    other: (round) => round.b3?.rawReplay.fromMiddle.ms,
    target: { ratioAtMost: 1.3 },
    digits: 1,
  },
  {
    id: 'b3.fromStartCpuMicrosPerEvent',
    workload: 'B3 store replay, whole log from id 0',
    metric: 'CPU µs/event',
    peer: 'raw SELECT + JSON.parse, 500-row pages',
    parley: (round) => round.b3?.parleyReplay.fromStart.cpuMicrosPerEvent,
    other: (round) => round.b3?.rawReplay.fromStart.cpuMicrosPerEvent,
    digits: 2,
  },
  {
    id: 'b3.oneGoFromStartMs',
    workload: 'B3 store replay, whole log from id 0',
    metric: 'time to last event (ms)',
    peer: 'raw SELECT + JSON.parse, one query, no yielding',
    parley: (round) => round.b3?.parleyReplay.fromStart.ms,
    other: (round) => round.b3?.rawReplay.oneGoFromStart.ms,
    digits: 1,
  },
];

/** Medians over the counted rounds, per-round ratios and the verdict of each metric. */
export function summarise(countedRounds) {
  return storeMetrics
    .map((definition) => {
      const verdict = judgeMetric(
        { subjectOf: definition.parley, peerOf: definition.other, target: definition.target },
        countedRounds,
      );
      if (verdict.subject === undefined) return undefined;
      return {
        id: definition.id,
        workload: definition.workload,
        metric: definition.metric,
        peer: definition.peer,
        digits: definition.digits,
        parley: verdict.subject,
        peerValue: verdict.peer,
        ratio: verdict.ratio,
        ratioOfMedians: verdict.peer === undefined ? undefined : verdict.subject / verdict.peer,
        perRound: {
          parley: verdict.subjectValues,
          peer: verdict.peerValues,
          ratios: verdict.ratios,
        },
        target: verdict.targetText,
        status: verdict.status,
      };
    })
    .filter((row) => row !== undefined);
}

export function formatNumber(value, digits) {
  if (!finite(value)) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Two decimals, three when two would round onto the target and hide which side of it we are. */
export function formatRatio(row) {
  if (!finite(row.ratio)) return '—';
  const limit = /^[≥≤] ([\d.]+)x$/.exec(row.target);
  const close = limit !== null && Math.abs(row.ratio - Number(limit[1])) < 0.005;
  return `${row.ratio.toFixed(close ? 3 : 2)}x`;
}

export function markdownTable(rows) {
  const lines = [
    '| Workload | Metric | Parley | Peer | Peer figure | Ratio (Parley ÷ peer) | Target | Result |',
    '| --- | --- | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.workload} | ${row.metric} | ${formatNumber(row.parley, row.digits)} | ${row.peer} | ${formatNumber(
        row.peerValue,
        row.digits,
      )} | ${formatRatio(row)} | ${row.target} | ${
        row.status === 'info' ? 'info' : row.status === 'pass' ? '**pass**' : '**miss**'
      } |`,
    );
  }
  return lines.join('\n');
}

function escapeXml(text) {
  return text.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * One bar per targeted metric: the measured figure as a share of its target (ratio ÷ target ratio, or
 * absolute ÷ absolute limit, inverted for "at least" targets), so 1.0 is the target on every bar and
 * shorter is better. Green passes, red misses.
 */
export function svgChart(rows, title) {
  const targeted = rows.filter((row) => row.status !== 'info');
  const width = 960;
  const barHeight = 26;
  const left = 330;
  const top = 48;
  const scaleMax = Math.max(1.5, ...targeted.map((row) => Math.min(4, targetShare(row) ?? 0)));
  const plotWidth = width - left - 60;
  const x = (value) => left + (Math.min(value, scaleMax) / scaleMax) * plotWidth;
  const height = top + targeted.length * (barHeight + 12) + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="12" y="38" fill="#555">share of target (1.0 = target; shorter is better)</text>`,
  ];
  targeted.forEach((row, index) => {
    const y = top + index * (barHeight + 12);
    const share = targetShare(row) ?? 0;
    const label = `${row.id}: ${row.target.startsWith('≤') && row.target.endsWith('ms') ? formatNumber(row.parley, row.digits) + ' ms' : (row.ratio?.toFixed(2) ?? '—') + 'x'} (target ${row.target})`;
    parts.push(
      `<text x="12" y="${y + barHeight / 2 + 4}">${escapeXml(label)}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, x(share) - left)}" height="${barHeight}" fill="${
        row.status === 'pass' ? '#3a9d5d' : '#c8453b'
      }"/>`,
      `<text x="${x(share) + 4}" y="${y + barHeight / 2 + 4}">${share.toFixed(2)}</text>`,
    );
  });
  parts.push(
    `<line x1="${x(1)}" y1="${top - 6}" x2="${x(1)}" y2="${height - 30}" stroke="#222" stroke-dasharray="4 3"/>`,
    `<text x="${x(1) - 18}" y="${height - 14}">target</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

function targetShare(row) {
  const match = /^([≥≤]) ([\d.]+)(x| ms)$/.exec(row.target);
  if (match === null) return undefined;
  const limit = Number(match[2]);
  if (match[3] === ' ms') return row.parley / limit;
  return match[1] === '≥' ? limit / row.ratio : row.ratio / limit;
}
