// @ts-check
// The summary rows and the Markdown table of the socket benchmarks (realtime-report.mjs,
// replay-report.mjs): each metric compares a subject (a Parley face, or a peer) with a peer,
// judged over the counted rounds by judgeMetric (ratio per round, then the median).
import { judgeMetric } from './metric-verdict.mjs';
import { formatNumber, formatRatio } from './store-report.mjs';

/**
 * @typedef {(round: any) => unknown} FigureOf  one round's figure, or undefined
 * @typedef {{
 *   id: string,
 *   workload: string,
 *   metric: string,
 *   subject: string,
 *   peer?: string,
 *   subjectValue: FigureOf,
 *   peerValue: FigureOf,
 *   target?: { ratioAtLeast?: number, ratioAtMost?: number, atMost?: number, everyRound?: boolean },
 *   digits: number,
 * }} ComparisonDefinition  a metric: whose figure, against whose, and the target
 * @typedef {{
 *   id: string,
 *   workload: string,
 *   metric: string,
 *   subject: string,
 *   subjectKey: string,
 *   peer: string,
 *   digits: number,
 *   parley: number | undefined,
 *   peerValue: number | undefined,
 *   ratio: number | undefined,
 *   perRound: { subject: number[], peer: number[], ratios: number[] },
 *   target: string,
 *   status: string,
 *   note?: string,
 * }} ComparisonRow  a judged metric, as the result file and the table show it
 */

/**
 * Judges each definition over the counted rounds. `nameOf` names a participant; a row whose
 * subject has no figure is `unavailable` (its `note`, from `noteOf`, says why when known).
 * @param {ComparisonDefinition[]} definitions
 * @param {object[]} countedRounds
 * @param {{ nameOf: (participant: string) => string, noteOf?: (participant: string) => string | undefined }} naming
 * @returns {ComparisonRow[]}
 */
export function judgeComparisons(definitions, countedRounds, { nameOf, noteOf }) {
  return definitions.map((definition) => {
    const verdict = judgeMetric(
      {
        subjectOf: definition.subjectValue,
        peerOf: definition.peerValue,
        target: definition.target,
      },
      countedRounds,
    );
    const missing = verdict.subject === undefined;
    return {
      id: definition.id,
      workload: definition.workload,
      metric: definition.metric,
      subject: nameOf(definition.subject),
      subjectKey: definition.subject,
      peer: definition.peer === undefined ? '—' : nameOf(definition.peer),
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
      status: missing ? 'unavailable' : verdict.status,
      note: missing ? noteOf?.(definition.subject) : undefined,
    };
  });
}

/**
 * The Markdown table of judged rows; `unavailable` is what a row without a subject figure says.
 * @param {ComparisonRow[]} rows
 * @param {string} unavailable
 */
export function comparisonTable(rows, unavailable) {
  /** @type {Record<string, string>} */
  const results = { unavailable, info: 'info', pass: '**pass**', miss: '**miss**' };
  const lines = [
    '| Workload | Metric | Subject | Figure | Peer | Peer figure | Ratio | Target | Result |',
    '| --- | --- | --- | ---: | --- | ---: | ---: | --- | --- |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.workload} | ${row.metric} | ${row.subject} | ${formatNumber(row.parley, row.digits)} | ` +
        `${row.peer} | ${formatNumber(row.peerValue, row.digits)} | ${formatRatio(row)} | ` +
        `${row.target} | ${results[row.status]} |`,
    );
  }
  return lines.join('\n');
}
