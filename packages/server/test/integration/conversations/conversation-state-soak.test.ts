/**
 * Per-conversation state is released (issue 12, item 6): thousands of conversations opened, used
 * once (a message answered, or an append; some read by a V1 client) and left idle leave nothing
 * behind. The soak runs in a child server process started with --expose-gc; it reports the heap
 * after a forced GC once after a warm-up and once at the end, and the live-state gauge.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseBackends, type TestDatabase } from '../../support/test-databases.js';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, '../../../../..');
const childScript = join(here, '../../support/conversation-soak-child.ts');
const backends = await testDatabaseBackends();

/**
 * SQLite soaks the 5,000 conversations of the issue; PostgreSQL, where every commit is a network
 * round trip, 3,000, more of them at once (the old per-conversation state cost it 10 % at 2,000).
 */
const soakFor = {
  sqlite: { conversations: 5_000, wave: 25 },
  postgres: { conversations: 3_000, wave: 50 },
} as const;

interface SoakReport {
  phase: 'baseline' | 'after';
  conversations: number;
  heapUsed: number;
  states: Record<string, number> | null;
}

function runSoak(
  dataDirectory: string,
  databaseUrl: string | undefined,
  soak: { conversations: number; wave: number },
): Promise<SoakReport[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        childScript,
        dataDirectory,
        ...(databaseUrl === undefined ? [] : [databaseUrl]),
      ],
      {
        cwd: repositoryRoot,
        env: {
          PATH: process.env['PATH'] ?? '',
          TSX_TSCONFIG_PATH: join(repositoryRoot, 'tsconfig.tests.json'),
          SOAK_WARM_UP: '500',
          SOAK_CONVERSATIONS: String(soak.conversations),
          SOAK_WAVE: String(soak.wave),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`soak child exited with ${code}:\n${stdout}\n${stderr}`));
        return;
      }
      resolve(
        stdout
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as SoakReport),
      );
    });
  });
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`per-conversation state soak (${backend.name})`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('conversations used once and left idle hold nothing: heap back within 10 %, gauge at 0', async () => {
      // A tmpfs data directory where there is one: fsyncs are not what this measures.
      const dataDirectory = mkdtempSync(
        join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'parley-soak-'),
      );
      cleanups.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
      let database: TestDatabase | undefined;
      if (backend.name === 'postgres') {
        database = await backend.create();
        cleanups.push(() => database?.cleanup());
      }
      const reports = await runSoak(dataDirectory, database?.location, soakFor[backend.name]);
      const baseline = reports.find((report) => report.phase === 'baseline');
      const after = reports.find((report) => report.phase === 'after');
      if (baseline === undefined || after === undefined) throw new Error('missing soak report');
      console.info(
        `soak (${backend.name}): ${after.conversations - baseline.conversations} conversations, ` +
          `heap ${(baseline.heapUsed / 1e6).toFixed(1)} -> ${(after.heapUsed / 1e6).toFixed(1)} MB`,
      );
      expect(after.heapUsed).toBeLessThanOrEqual(baseline.heapUsed * 1.1);
      expect(after.states).toEqual({ event_stream: 0, agent_loop: 0 });
    }, 180_000);
  });
}
