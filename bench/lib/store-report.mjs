// @ts-check
// Turns the store benchmark's rounds into medians, ratios, a Markdown table and an SVG chart.
import { finite, judgeMetric } from './metric-verdict.mjs';

/**
 * A summary row as the reports and charts draw it (every program's rows have at least these).
 * @typedef {{
 *   id: string,
 *   workload: string,
 *   metric: string,
 *   peer: string,
 *   digits: number,
 *   parley: number | undefined,
 *   peerValue?: number,
 *   ratio?: number,
 *   target: string,
 *   status: string,
 * }} ReportRow
 * @typedef {{ ratioAtLeast?: number, ratioAtMost?: number, atMost?: number, everyRound?: boolean }} Target
 * @typedef {{ workload: string, peer: string, parley: string, other?: string }} MetricGroup
 */

/**
 * The figure at `path` (dot-separated keys) of a round record, or undefined where any part is missing.
 * @param {string} path
 * @returns {(round: any) => any}
 */
export function figureAt(path) {
  const keys = path.split('.');
  return (round) => keys.reduce((value, key) => value?.[key], round);
}

/**
 * One metric of a group that compares the same two records: Parley's figure is `key` of
 * `group.parley`, the peer's `key` of `group.other` (no peer figure when the group has none).
 * @param {MetricGroup} group
 * @param {string} id
 * @param {string} name
 * @param {string} key
 * @param {number} digits
 * @param {Target} [target]
 */
function metric(group, id, name, key, digits, target) {
  return {
    id,
    workload: group.workload,
    metric: name,
    peer: group.peer,
    parley: figureAt(`${group.parley}.${key}`),
    other: group.other === undefined ? () => undefined : figureAt(`${group.other}.${key}`),
    target,
    digits,
  };
}

const concurrent = {
  workload: 'B2 durable append, 20 conversations',
  peer: 'raw better-sqlite3 group commit',
  parley: 'b2.parleyConcurrent',
  other: 'b2.rawGroupCommit',
};
const single = {
  workload: 'B2 single producer, sequential',
  peer: 'raw write + fdatasync loop',
  parley: 'b2.parleySingle',
  other: 'b2.rawFdatasync',
};
const singleVsRawSqlite = {
  ...single,
  peer: 'raw better-sqlite3, 1 row per commit',
  other: 'b2.rawSqliteSingle',
};
const fromStart = {
  workload: 'B3 store replay, whole log from id 0',
  peer: 'raw SELECT + JSON.parse, 500-row pages',
  parley: 'b3.parleyReplay.fromStart',
  other: 'b3.rawReplay.fromStart',
};
const fromMiddle = {
  workload: 'B3 store replay from the middle',
  peer: fromStart.peer,
  parley: 'b3.parleyReplay.fromMiddle',
  other: 'b3.rawReplay.fromMiddle',
};
/** @type {MetricGroup} */
const fromStartAlone = { ...fromStart, peer: '—', other: undefined };
const fromStartVsOneGo = {
  ...fromStart,
  peer: 'raw SELECT + JSON.parse, one query, no yielding',
  other: 'b3.rawReplay.oneGoFromStart',
};

/**
 * Each metric takes a counted round and returns Parley's figure and the peer's. The ratio is
 * Parley ÷ peer, computed per round (the two ran back to back) and then the median taken.
 * target: { ratioAtLeast } | { ratioAtMost } | { atMost, unit } (absolute, on Parley's figure) | none.
 */
export const storeMetrics = [
  metric(concurrent, 'b2.eventsPerSecond', 'events/s', 'eventsPerSecond', 0, { ratioAtLeast: 0.8 }),
  metric(concurrent, 'b2.p50AckMs', 'p50 ack (ms)', 'p50Ms', 2),
  metric(concurrent, 'b2.p99AckMs', 'p99 ack (ms)', 'p99Ms', 2),
  metric(concurrent, 'b2.cpuMicrosPerEvent', 'CPU µs/event', 'cpuMicrosPerEvent', 1),
  metric(
    concurrent,
    'b2.cpuUserMicrosPerEvent',
    'CPU µs/event, user only',
    'cpuUserMicrosPerEvent',
    1,
  ),
  metric(concurrent, 'b2.cpuUtilisation', 'process CPU ÷ wall time', 'cpuUtilisation', 2),
  metric(concurrent, 'b2.meanBatch', 'events per transaction', 'meanBatch', 1),
  metric(single, 'b2.singleP50AckMs', 'p50 ack (ms)', 'p50Ms', 3),
  metric(single, 'b2.singleP99AckMs', 'p99 ack (ms)', 'p99Ms', 3, { ratioAtMost: 2 }),
  metric(singleVsRawSqlite, 'b2.singleP99VsRawSqlite', 'p99 ack (ms)', 'p99Ms', 3),
  metric(single, 'b2.singleCpuMicrosPerEvent', 'CPU µs/event', 'cpuMicrosPerEvent', 1),
  metric(
    singleVsRawSqlite,
    'b2.singleCpuMicrosPerEventVsRawSqlite',
    'CPU µs/event',
    'cpuMicrosPerEvent',
    1,
  ),
  metric(fromStart, 'b3.fromStartMs', 'time to last event (ms)', 'ms', 1, { ratioAtMost: 1.3 }),
  metric(fromStartAlone, 'b3.fromStartAbsolute', 'time to last event, absolute (ms)', 'ms', 1, {
    atMost: 300,
  }),
  metric(fromMiddle, 'b3.fromMiddleMs', 'time to last event (ms)', 'ms', 1, { ratioAtMost: 1.3 }),
  metric(fromStart, 'b3.fromStartCpuMicrosPerEvent', 'CPU µs/event', 'cpuMicrosPerEvent', 2),
  metric(fromStartVsOneGo, 'b3.oneGoFromStartMs', 'time to last event (ms)', 'ms', 1),
];

/**
 * Medians over the counted rounds, per-round ratios and the verdict of each metric.
 * @param {any[]} countedRounds
 */
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

/**
 * @param {unknown} value
 * @param {number} digits
 */
export function formatNumber(value, digits) {
  if (!finite(value)) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/**
 * Two decimals, three when two would round onto the target and hide which side of it we are.
 * @param {{ ratio?: number, target: string }} row
 */
export function formatRatio(row) {
  if (!finite(row.ratio)) return '—';
  const limit = /^[≥≤] ([\d.]+)x$/.exec(row.target);
  const close = limit !== null && Math.abs(row.ratio - Number(limit[1])) < 0.005;
  return `${row.ratio.toFixed(close ? 3 : 2)}x`;
}

/** @param {ReportRow[]} rows */
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

/** @param {string} text */
function escapeXml(text) {
  return text.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * One bar per targeted metric: the measured figure as a share of its target (ratio ÷ target ratio, or
 * absolute ÷ absolute limit, inverted for "at least" targets), so 1.0 is the target on every bar and
 * shorter is better. Green passes, red misses.
 * @param {ReportRow[]} rows
 * @param {string} title
 */
export function svgChart(rows, title) {
  const targeted = rows.filter((row) => row.status !== 'info');
  const width = 960;
  const barHeight = 26;
  const left = 330;
  const top = 48;
  const scaleMax = Math.max(1.5, ...targeted.map((row) => Math.min(4, targetShare(row) ?? 0)));
  const plotWidth = width - left - 60;
  const x = (/** @type {number} */ value) =>
    left + (Math.min(value, scaleMax) / scaleMax) * plotWidth;
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

/** @param {ReportRow} row */
function targetShare(row) {
  const match = /^([≥≤]) ([\d.]+)(x| ms)$/.exec(row.target);
  if (match === null) return undefined;
  const limit = Number(match[2]);
  const ratio = row.ratio ?? Number.NaN;
  if (match[3] === ' ms') return (row.parley ?? Number.NaN) / limit;
  return match[1] === '≥' ? limit / ratio : ratio / limit;
}
