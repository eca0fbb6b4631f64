import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBenchProgram } from './test-support/run-bench-program.js';

const program = fileURLToPath(new URL('./replay-bench.mjs', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'parley-replay-bench-test-'));

interface Variant {
  events: number;
  ms: number;
  clientCpuUtilisation: number;
  clientBusy: boolean;
  lagP99Ms: number | null;
  deliveryP99Ms: number | null;
  samples: unknown[];
}

interface ResultFile {
  settings: { peersOnly: boolean; participants: string[]; events: number; middle: number };
  clientBusy: string[];
  rounds: {
    round: number;
    warmUp: boolean;
    b3: Record<string, { fromStart: Variant; fromMiddle: Variant; trickle: { errors: number } }>;
  }[];
  summary: {
    id: string;
    metric: string;
    subject: string;
    status: string;
    parley?: number | null;
  }[];
}

/**
 * B3's socket half, peer only, on a tiny conversation: it must run to the end, check every replayed
 * event, and write its result files in the documented shape. No figure is judged here.
 */
describe('replay benchmark, peer only', () => {
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('replays from the start and the middle and writes the JSON, Markdown and SVG results', () => {
    const result = runBenchProgram<ResultFile>(
      program,
      '--peers-only --quick --rounds 1 --events 300 --watchers 2 --repetitions 1 --warmups 0 --no-pin',
      join(directory, 'replay.json'),
    );
    expect(result.settings).toMatchObject({
      peersOnly: true,
      participants: ['raw-replay', 'raw-replay-corked'],
      events: 300,
      middle: 150,
    });
    expect(result.rounds.map((round) => [round.round, round.warmUp])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(Array.isArray(result.clientBusy)).toBe(true);
    for (const round of result.rounds) {
      for (const name of ['raw-replay', 'raw-replay-corked']) {
        const peer = round.b3[name];
        expect(peer?.fromStart).toMatchObject({ events: 300 });
        expect(peer?.fromMiddle).toMatchObject({ events: 150 });
        for (const variant of [peer?.fromStart, peer?.fromMiddle]) {
          // The replaying client's CPU share over its timed replays, and whether it was the limit.
          expect(variant?.clientCpuUtilisation).toBeGreaterThan(0);
          expect(variant?.clientBusy).toBeTypeOf('boolean');
        }
      }
      const peer = round.b3['raw-replay'];
      expect(peer?.fromStart).toMatchObject({ events: 300 });
      expect(peer?.fromMiddle).toMatchObject({ events: 150 });
      expect(peer?.trickle.errors).toBe(0);
      for (const variant of [peer?.fromStart, peer?.fromMiddle]) {
        expect(variant?.samples).toHaveLength(1);
        expect(Number.isFinite(variant?.ms)).toBe(true);
        // A tiny replay can finish before any loop-delay or trickle sample is taken; JSON then holds
        // null. The smoke test checks the shape, never whether a timing was caught.
        for (const key of ['lagP99Ms', 'deliveryP99Ms'] as const) {
          const value: unknown = variant?.[key];
          expect(value === null || Number.isFinite(value)).toBe(true);
        }
      }
    }
    expect(result.summary.length).toBeGreaterThan(0);
    for (const row of result.summary) {
      expect(row.subject).not.toMatch(/Parley/);
      // As above, a tiny run may catch no lag or delivery sample: that row has no figure and says
      // so; every other row has its figure and, peers only, no verdict.
      if (row.parley === undefined || row.parley === null) {
        expect(row.metric).toMatch(/delay|delivery/);
        expect(row.status).toBe('unavailable');
      } else {
        expect(row.parley).toBeTypeOf('number');
        expect(row.status).toBe('info');
      }
    }
    expect(
      result.summary
        .filter((row) => /time to last event/.test(row.metric))
        .map((row) => row.status),
    ).not.toContain('unavailable');
  }, 120_000);
});
