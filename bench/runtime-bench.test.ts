// Smoke test of B10 at its smallest size: the sandbox start-up and the first-byte measurements run
// end to end against real bubblewrap and a Parley server process (packages/server/dist, which
// `npm test` builds first), and the result files have the documented shape. No figure is judged.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summariseRuntime } from './lib/runtime-report.mjs';
import { runBenchProgram } from './test-support/run-bench-program.js';

const program = fileURLToPath(new URL('./runtime-bench.mjs', import.meta.url));
const bubblewrapPath = process.env['PARLEY_BWRAP_PATH'] ?? '/usr/bin/bwrap';
const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

function bubblewrapAvailable(): boolean {
  if (existsSync(bubblewrapPath)) return true;
  if (isCi) throw new Error(`bubblewrap is not installed at ${bubblewrapPath}, and CI=true`);
  console.warn(
    `\n*** NOTICE: no bubblewrap at ${bubblewrapPath}: the B10 smoke test is SKIPPED ***\n`,
  );
  return false;
}

interface Latency {
  p50Ms: number;
  p99Ms: number;
}

interface Side {
  total: Latency;
  firstByte?: Latency;
  samples: number;
}

interface ResultFile {
  settings: { startupSamples: number; firstByteSamples: number; countedRounds: number };
  rounds: {
    round: number;
    warmUp: boolean;
    startup: Record<'true' | 'echo', { command: string; parley: Side; spawn: Side }>;
    firstByte: Record<'socketIo' | 'v1' | 'observation' | 'spawn', Latency> & {
      samples: number;
      serverCpuMicrosPerCommand: number;
    };
  }[];
  summary: { id: string; status: string; target: string; parley?: number; peerValue?: number }[];
}

describe.skipIf(!bubblewrapAvailable())('tool runtime benchmark (B10)', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'parley-runtime-bench-test-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('times sandboxed and spawned commands and a run action to the clients, and writes its results', () => {
    const result = runBenchProgram<ResultFile>(
      program,
      '--quick --rounds 1 --startup-samples 3 --first-byte-samples 2',
      join(directory, 'runtime.json'),
    );
    expect(result.settings).toMatchObject({
      startupSamples: 3,
      firstByteSamples: 2,
      countedRounds: 1,
    });
    expect(result.rounds.map((round) => [round.round, round.warmUp])).toEqual([
      [0, true],
      [1, false],
    ]);
    for (const round of result.rounds) {
      expect(round.startup.true.command).toBe('true');
      expect(round.startup.echo.command).toBe('echo x');
      for (const side of ['parley', 'spawn'] as const) {
        expect(round.startup.true[side].samples).toBe(3);
        expect(round.startup.true[side].firstByte).toBeUndefined();
        expect(Number.isFinite(round.startup.echo[side].total.p50Ms)).toBe(true);
        expect(Number.isFinite(round.startup.echo[side].firstByte?.p50Ms)).toBe(true);
      }
      expect(round.firstByte.samples).toBe(2);
      for (const figure of ['socketIo', 'v1', 'observation', 'spawn'] as const) {
        expect(round.firstByte[figure].p99Ms).toBeGreaterThanOrEqual(round.firstByte[figure].p50Ms);
      }
      expect(round.firstByte.serverCpuMicrosPerCommand).toBeGreaterThan(0);
    }
    const overheads = result.summary.filter((row) => row.id.endsWith('.overhead'));
    expect(overheads.map((row) => row.id)).toEqual([
      'b10.startup.true.overhead',
      'b10.startup.echo.overhead',
    ]);
    for (const row of overheads) {
      expect(row.target).toBe('≤ 20 ms');
      expect(['pass', 'miss']).toContain(row.status);
    }
    for (const row of result.summary) expect(Number.isFinite(row.parley)).toBe(true);
  }, 120_000);
});

describe('B10 report', () => {
  const latency = (p50Ms: number, p99Ms = p50Ms * 2) => ({ p50Ms, p99Ms });
  const round = (parleyTrue: number, spawnTrue: number) => ({
    startup: {
      true: { parley: { total: latency(parleyTrue) }, spawn: { total: latency(spawnTrue) } },
      echo: {
        parley: { total: latency(30), firstByte: latency(25) },
        spawn: { total: latency(5), firstByte: latency(4) },
      },
    },
    firstByte: {
      socketIo: latency(60),
      v1: latency(61),
      observation: latency(70),
      spawn: latency(4),
      serverCpuMicrosPerCommand: 900,
    },
  });

  it('judges the overhead as the median over rounds of Parley’s median minus the peer’s', () => {
    const rows = summariseRuntime([round(30, 5), round(18, 4), round(40, 30)]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    // Per round: 25, 14, 10 ms → median 14 ms, within the 20 ms target.
    expect(byId.get('b10.startup.true.overhead')).toMatchObject({
      parley: 14,
      status: 'pass',
      target: '≤ 20 ms',
    });
    // `echo x`: 25 ms in every round → a miss.
    expect(byId.get('b10.startup.echo.overhead')).toMatchObject({ parley: 25, status: 'miss' });
    // The first byte at a client is information, with its added time.
    expect(byId.get('b10.firstByte.socketIo.added')).toMatchObject({ parley: 56, status: 'info' });
    expect(byId.get('b10.firstByte.socketIo.p50')).toMatchObject({ ratio: 15, status: 'info' });
  });

  it('leaves a row without figures at info rather than guessing', () => {
    const rows = summariseRuntime([{ startup: {}, firstByte: {} }]);
    expect(rows.find((row) => row.id === 'b10.startup.true.overhead')).toMatchObject({
      parley: undefined,
      status: 'info',
    });
  });
});
