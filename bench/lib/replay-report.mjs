// @ts-check
// Turns the replay benchmark's rounds (bench/replay-bench.mjs, B3 socket half) into rows, a
// Markdown table and a progress line. Parley's faces are compared with the plain raw SQLite + ws
// peer (the spec's peer), and for information with the corked peer (ids ending
// `.vs-raw-replay-corked`); peers only, the peers' own figures stand alone.
import { comparisonTable, judgeComparisons } from './comparison-report.mjs';
import { formatNumber } from './store-report.mjs';

/** @typedef {import('./comparison-report.mjs').ComparisonDefinition} ComparisonDefinition */
/** @typedef {import('./comparison-report.mjs').ComparisonRow} ComparisonRow */
/** @typedef {ComparisonDefinition['target']} Target */

/** @type {Record<string, string>} */
export const participantNames = {
  'raw-replay': 'raw SQLite + ws',
  'raw-replay-corked': 'raw SQLite + ws, corked pages',
  'parley-v1': 'Parley V1 WebSocket',
  'parley-socketio': 'Parley Socket.IO',
};

export const parleyFaces = ['parley-v1', 'parley-socketio'];
/** @type {('fromStart' | 'fromMiddle')[]} */
export const variants = ['fromStart', 'fromMiddle'];
const variantNames = {
  fromStart: 'B3 replay from the start',
  fromMiddle: 'B3 replay from the middle',
};

/**
 * The report's rows: what is compared with what, and the target.
 * @param {{ events: number, middle: number, participants: string[] }} options
 * @param {string[]} subjects  Parley's faces that ran, or (peers only) the peers
 * @returns {ComparisonDefinition[]}
 */
export function metricDefinitions(options, subjects) {
  /** @type {ComparisonDefinition[]} */
  const rows = [];
  /** @type {(participant: string, variant: string, key: string) => (round: any) => unknown} */
  const value = (participant, variant, key) => (round) => {
    const result = round.b3?.[participant];
    return result === undefined || result.unavailable !== undefined
      ? undefined
      : result[variant]?.[key];
  };
  /**
   * @param {{ id: string, workload: string, metric: string, key: string, variant: string, target?: Target, digits: number }} metric
   * @param {string[]} among
   */
  const add = (
    { id, workload, metric, key, variant, target, digits },
    among,
    peer = 'raw-replay',
  ) => {
    for (const subject of among) {
      // Peers only: the peers' own figures, nothing to compare them with.
      const alone = subject.startsWith('raw-replay');
      rows.push({
        id: `${id}.${subject}${peer === 'raw-replay' ? '' : `.vs-${peer}`}`,
        workload,
        metric,
        subject,
        peer: alone ? undefined : peer,
        subjectValue: value(subject, variant, key),
        peerValue: alone ? () => undefined : value(peer, variant, key),
        target: alone ? undefined : target,
        digits,
      });
    }
  };
  const timeToLast = { metric: 'time to last event (ms)', key: 'ms', digits: 1 };
  const loopDelay = { metric: 'server event-loop delay p99 (ms)', key: 'lagP99Ms', digits: 2 };
  const delivery = { metric: 'watchers’ live delivery p99 (ms)', key: 'deliveryP99Ms', digits: 2 };
  const cpu = {
    metric: 'server CPU µs per replayed event',
    key: 'serverCpuMicrosPerEvent',
    digits: 2,
  };
  // The corked peer is compared for information only: the spec's peer is the plain one.
  const parleySubjects = subjects.filter((subject) => !subject.startsWith('raw-replay'));
  const corked = options.participants.includes('raw-replay-corked');
  for (const variant of variants) {
    const events = variant === 'fromStart' ? options.events : options.events - options.middle;
    const workload = `${variantNames[variant]} (${formatNumber(events, 0)} events)`;
    const base = `b3.${variant}`;
    add(
      { ...timeToLast, id: `${base}.ms`, workload, variant, target: { ratioAtMost: 1.3 } },
      subjects,
    );
    if (variant === 'fromStart') {
      const absolute = { ...timeToLast, metric: 'time to last event, absolute (ms)' };
      add(
        { ...absolute, id: `${base}.absolute`, workload, variant, target: { atMost: 500 } },
        subjects,
      );
    }
    add(
      { ...loopDelay, id: `${base}.lagP99`, workload, variant, target: { atMost: 50 } },
      subjects,
    );
    add(
      { ...delivery, id: `${base}.deliveryP99`, workload, variant, target: { atMost: 50 } },
      subjects,
    );
    add({ ...cpu, id: `${base}.cpu`, workload, variant }, subjects);
    if (corked) {
      /** @type {[typeof timeToLast, string][]} */
      const corkedMetrics = [
        [timeToLast, 'ms'],
        [cpu, 'cpu'],
      ];
      for (const [metric, suffix] of corkedMetrics) {
        add(
          { ...metric, id: `${base}.${suffix}`, workload, variant },
          parleySubjects,
          'raw-replay-corked',
        );
      }
    }
  }
  const quiet = { workload: 'B3 quiet window (trickle only)', variant: 'quiet' };
  add({ ...loopDelay, ...quiet, id: 'b3.quiet.lagP99' }, subjects);
  add({ ...delivery, ...quiet, id: 'b3.quiet.deliveryP99' }, subjects);
  return rows;
}

/**
 * @param {ComparisonDefinition[]} definitions
 * @param {object[]} countedRounds
 */
export function summarise(definitions, countedRounds) {
  return judgeComparisons(definitions, countedRounds, {
    nameOf: (participant) => participantNames[participant] ?? participant,
  });
}

/**
 * The table: with Parley, subject against peer; peers only, each peer's figure.
 * @param {ComparisonRow[]} rows
 * @param {boolean} peersOnly
 */
export function markdownTable(rows, peersOnly) {
  if (!peersOnly) return comparisonTable(rows, 'not available');
  const lines = ['| Workload | Metric | Peer | Figure |', '| --- | --- | --- | ---: |'];
  for (const row of rows) {
    lines.push(
      `| ${row.workload} | ${row.metric} | ${row.subject} | ${formatNumber(row.parley, row.digits)} |`,
    );
  }
  return lines.join('\n');
}

/**
 * One participant's round in a line.
 * @param {any} result  the participant's `b3` record of the round
 */
export function describe(result) {
  if (result.unavailable !== undefined) return `not available (${result.unavailable})`;
  /** @param {'fromStart' | 'fromMiddle'} variant */
  const part = (variant) =>
    `${variant === 'fromStart' ? 'from start' : 'from middle'} ${formatNumber(result[variant].ms, 1)} ms ` +
    `(loop p99 ${formatNumber(result[variant].lagP99Ms, 1)} ms, watchers p99 ${formatNumber(result[variant].deliveryP99Ms, 1)} ms)`;
  const client = Math.max(
    result.fromStart.clientCpuUtilisation,
    result.fromMiddle.clientCpuUtilisation,
  );
  const busy = client > 0.9 ? ' [client process above 90% CPU]' : '';
  return (
    `${part('fromStart')}; ${part('fromMiddle')}; quiet loop p99 ${formatNumber(result.quiet.lagP99Ms, 1)} ms; ` +
    `replaying client CPU ≤ ${Math.round(client * 100)}%${busy}`
  );
}
