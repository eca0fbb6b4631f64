// @ts-check
// The cluster benchmark's (B8) rows: each Redis cluster size against the single process without
// Redis of the same round (ratio per round, then the median), its Markdown table and SVG chart.
import { comparisonTable, judgeComparisons } from './comparison-report.mjs';
import { formatNumber, svgChart } from './store-report.mjs';

/** @type {Record<string, string>} */
const names = {
  single: '1 process, PostgreSQL, no Redis',
  'redis-1': '1 process + Redis',
  'redis-2': '2 processes + Redis',
  'redis-3': '3 processes + Redis',
};

/** @param {string} participant */
export function participantName(participant) {
  return names[participant] ?? participant;
}

/**
 * @param {string} key  figure of a participant's round result
 * @param {string} metric
 * @param {number} digits
 * @param {import('./store-report.mjs').Target} [target]  for 2 and 3 processes
 * @returns {import('./comparison-report.mjs').ComparisonDefinition[]}
 */
function againstSingle(key, metric, digits, target) {
  /** @type {(participant: string) => (round: any) => unknown} */
  const value = (participant) => (round) => round.b8?.[participant]?.[key];
  return ['redis-1', 'redis-2', 'redis-3'].map((subject) => ({
    id: `b8.${key}.${subject}-vs-single`,
    workload: 'B8 scale-out behind HAProxy',
    metric,
    subject,
    peer: 'single',
    subjectValue: value(subject),
    peerValue: value('single'),
    target: subject === 'redis-1' ? undefined : target,
    digits,
  }));
}

export const clusterMetrics = [
  ...againstSingle('deliveriesPerSecond', 'fan-out deliveries/s', 0),
  ...againstSingle('serverMicrosPerDelivery', 'server CPU µs/delivery, fan-out (all processes)', 2),
  ...againstSingle('pacedMicrosPerDelivery', 'server CPU µs/delivery, paced (all processes)', 2, {
    ratioAtMost: 1.3,
  }),
  ...againstSingle('pacedP99Ms', 'p99 append→client, paced (ms)', 2, { ratioAtMost: 2 }),
  ...againstSingle('pacedP50Ms', 'p50 append→client, paced (ms)', 2),
  ...againstSingle('commandP99Ms', 'p99 command round trip, paced (ms)', 2),
];

/**
 * @param {object[]} countedRounds
 * @param {string[]} participants  those asked for (rows of the others are left out)
 */
export function summarise(countedRounds, participants) {
  return judgeComparisons(
    clusterMetrics.filter(
      (definition) =>
        participants.includes(definition.subject) && participants.includes(definition.peer ?? ''),
    ),
    countedRounds,
    { nameOf: participantName },
  );
}

/** @param {import('./comparison-report.mjs').ComparisonRow[]} rows */
export function markdownTable(rows) {
  return comparisonTable(rows, 'not measured');
}

/**
 * @param {import('./comparison-report.mjs').ComparisonRow[]} rows
 * @param {string} title
 */
export function chart(rows, title) {
  return svgChart(
    rows.filter((row) => row.status === 'pass' || row.status === 'miss'),
    title,
  );
}

/** @param {any} result */
export function describe(result) {
  return (
    `fan-out ${formatNumber(result.deliveriesPerSecond, 0)} deliveries/s at ` +
    `${formatNumber(result.serverMicrosPerDelivery, 2)} µs/delivery; paced ` +
    `${formatNumber(result.pacedEventsPerSecond, 0)} events/s: ` +
    `${formatNumber(result.pacedMicrosPerDelivery, 2)} µs/delivery, append→client p50 ` +
    `${formatNumber(result.pacedP50Ms, 2)} p99 ${formatNumber(result.pacedP99Ms, 2)} ms, ` +
    `command p99 ${formatNumber(result.commandP99Ms, 2)} ms; client CPU ` +
    `${Math.round(result.clientCpuUtilisation * 100)}%` +
    (result.commandsLost > 0 ? `, ${result.commandsLost} COMMANDS NOT ECHOED` : '') +
    (result.outOfOrder + result.pacedOutOfOrder > 0 ? ', OUT OF ORDER' : '') +
    (result.appendErrors + result.pacedAppendErrors > 0 ? ', APPEND ERRORS' : '')
  );
}
