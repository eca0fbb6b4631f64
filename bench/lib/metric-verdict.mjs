// @ts-check
// The verdict of one benchmark metric over the counted rounds, shared by every bench program's report.
//
// A metric reads one figure per round for its subject (Parley, or a face of it) and, when it has a
// peer, the peer's figure from the same round. The ratio is subject ÷ peer per round (the two ran
// back to back), then the median; a round where either figure is missing or the peer's is 0 has no
// ratio. target: { ratioAtLeast } | { ratioAtMost } on the ratio, or { atMost, everyRound? } (ms) on
// the subject's median (or, with everyRound, its worst round); no target → 'info'. A target whose
// figure is missing leaves the status at 'info' rather than guessing 'pass' or 'miss'.
import { median } from './store-stats.mjs';

/**
 * @param {unknown} value
 * @returns {value is number}
 */
export function finite(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * @param {{
 *   subjectOf: (round: any) => unknown,
 *   peerOf?: (round: any) => unknown,
 *   target?: { ratioAtLeast?: number, ratioAtMost?: number, atMost?: number, everyRound?: boolean },
 * }} metric
 * @param {object[]} countedRounds
 */
export function judgeMetric({ subjectOf, peerOf, target }, countedRounds) {
  const subjectValues = countedRounds.map(subjectOf).filter(finite);
  const peerValues = peerOf === undefined ? [] : countedRounds.map(peerOf).filter(finite);
  const ratios =
    peerOf === undefined
      ? []
      : countedRounds
          .map((round) => {
            const subject = subjectOf(round);
            const peer = peerOf(round);
            return finite(subject) && finite(peer) && peer !== 0 ? subject / peer : undefined;
          })
          .filter(finite);
  const subject = subjectValues.length > 0 ? median(subjectValues) : undefined;
  const peer = peerValues.length > 0 ? median(peerValues) : undefined;
  const ratio = ratios.length > 0 ? median(ratios) : undefined;
  let targetText = '—';
  let status = 'info';
  if (target?.ratioAtLeast !== undefined) {
    targetText = `≥ ${target.ratioAtLeast}x`;
    if (ratio !== undefined) status = ratio >= target.ratioAtLeast ? 'pass' : 'miss';
  } else if (target?.ratioAtMost !== undefined) {
    targetText = `≤ ${target.ratioAtMost}x`;
    if (ratio !== undefined) status = ratio <= target.ratioAtMost ? 'pass' : 'miss';
  } else if (target?.atMost !== undefined) {
    targetText = `≤ ${target.atMost} ms`;
    const judged = target.everyRound === true ? Math.max(...subjectValues) : subject;
    if (subject !== undefined && judged !== undefined) {
      status = judged <= target.atMost ? 'pass' : 'miss';
    }
  }
  return { subjectValues, peerValues, ratios, subject, peer, ratio, targetText, status };
}
