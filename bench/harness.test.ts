// Smoke test of the one benchmark program: `npm run bench -- --quick --tiny B2` (which builds the
// server first) runs the store program at its smallest size and writes one run file with the
// merged summary, a Markdown table and an SVG chart. Only the shape is checked, never a timing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'parley-bench-harness-test-'));

interface RunFile {
  machine: { cpuModel: string; cores: number; totalMemoryGiB: number; node: string };
  git: { commit: string };
  settings: { workloads: string[]; mode: string };
  failures: unknown[];
  clientBusy: unknown[];
  summary: {
    workloadId: string;
    program: string;
    workload: string;
    metric: string;
    peer: string;
    status: string;
    perRound: { parley: number[]; peer: number[]; ratios: number[] };
    flags: string[];
  }[];
  programs: { store: { result: { rounds: { round: number; warmUp: boolean }[] } } };
}

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

it('runs B2 through npm run bench and writes one run file, a table and a chart', () => {
  const jsonPath = join(directory, 'run.json');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(
    npm,
    ['run', 'bench', '--', '--quick', '--tiny', '--rounds', '1', 'B2', '--json', jsonPath],
    { cwd: repositoryRoot, encoding: 'utf8', timeout: 170_000 },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).toContain('[B2 B3]');

  const result = JSON.parse(readFileSync(jsonPath, 'utf8')) as RunFile;
  expect(result.machine.cores).toBeGreaterThan(0);
  expect(result.machine.node).toBe(process.version);
  expect(typeof result.machine.cpuModel).toBe('string');
  expect(result.settings).toMatchObject({ workloads: ['B2'], mode: 'tiny' });
  expect(result.failures).toEqual([]);
  expect(Object.keys(result.programs)).toEqual(['store']);
  const rounds = result.programs.store.result.rounds;
  expect(rounds.map((round) => round.warmUp)).toEqual([true, false]);

  expect(result.summary.length).toBeGreaterThan(0);
  for (const row of result.summary) {
    expect(row.workloadId).toBe('B2');
    expect(row.program).toBe('store');
    expect(['pass', 'miss', 'info']).toContain(row.status);
    // One counted round: one ratio, unless the peer's figure was 0 there (a tiny run can measure
    // 0 ms or 0 µs at the clock's resolution), where no ratio exists and the table shows a dash.
    expect(row.perRound.parley).toHaveLength(1);
    const peerRounds = row.perRound.peer.filter((value) => value !== 0).length;
    expect(row.perRound.ratios).toHaveLength(peerRounds);
    expect(Array.isArray(row.flags)).toBe(true);
  }
  expect(result.summary.some((row) => row.status !== 'info')).toBe(true);
  expect(result.summary.some((row) => row.perRound.ratios.length === 1)).toBe(true);

  const table = readFileSync(jsonPath.replace(/\.json$/, '.md'), 'utf8');
  expect(table).toContain('| B2 |');
  const chart = readFileSync(jsonPath.replace(/\.json$/, '.svg'), 'utf8');
  expect(chart.startsWith('<svg')).toBe(true);
  expect(existsSync(jsonPath.replace(/\.json$/, '.svg'))).toBe(true);
}, 180_000);
