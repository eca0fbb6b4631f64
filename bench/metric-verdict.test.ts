// Unit tests of the verdict every bench report gives a metric (bench/lib/metric-verdict.mjs).
import { expect, it } from 'vitest';
import { judgeMetric } from './lib/metric-verdict.mjs';

interface Round {
  parley?: number;
  peer?: number;
}
const rounds = (...pairs: [number | undefined, number | undefined][]): Round[] =>
  pairs.map(([parley, peer]) => ({ parley, peer }));
const subjectOf = (round: Round) => round.parley;
const peerOf = (round: Round) => round.peer;

it('takes the median of per-round ratios, not the ratio of medians', () => {
  const verdict = judgeMetric(
    { subjectOf, peerOf, target: { ratioAtLeast: 0.8 } },
    rounds([90, 100], [10, 100], [200, 100]),
  );
  expect(verdict.ratios).toEqual([0.9, 0.1, 2]);
  expect(verdict.ratio).toBe(0.9);
  expect(verdict.subject).toBe(90);
  expect(verdict.peer).toBe(100);
  expect(verdict).toMatchObject({ targetText: '≥ 0.8x', status: 'pass' });
});

it('judges ratio ceilings and absolute limits, the latter on the worst round when asked', () => {
  const data = rounds([3, 1], [2, 1], [9, 1]);
  expect(judgeMetric({ subjectOf, peerOf, target: { ratioAtMost: 2 } }, data)).toMatchObject({
    ratio: 3,
    targetText: '≤ 2x',
    status: 'miss',
  });
  expect(judgeMetric({ subjectOf, target: { atMost: 5 } }, data)).toMatchObject({
    subject: 3,
    targetText: '≤ 5 ms',
    status: 'pass',
  });
  expect(judgeMetric({ subjectOf, target: { atMost: 5, everyRound: true } }, data).status).toBe(
    'miss',
  );
});

it('gives no ratio for rounds missing a figure or with a peer of 0, and no verdict without one', () => {
  const verdict = judgeMetric(
    { subjectOf, peerOf, target: { ratioAtLeast: 0.8 } },
    rounds([5, 0], [undefined, 4], [Number.NaN, 1]),
  );
  expect(verdict.ratios).toEqual([]);
  expect(verdict.ratio).toBeUndefined();
  expect(verdict.subjectValues).toEqual([5]);
  expect(verdict.peerValues).toEqual([0, 4, 1]);
  expect(verdict.status).toBe('info');
  expect(judgeMetric({ subjectOf, peerOf }, rounds([1, 2])).status).toBe('info');
});
