import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainFile = join(repositoryRoot, 'packages/server/src/main.ts');

interface RunningProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `main.ts` as a real process (through tsx, resolving @parley/protocol to its source). */
function runMain(environment: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', mainFile], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      TSX_TSCONFIG_PATH: join(repositoryRoot, 'tsconfig.tests.json'),
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitForOutput(running: RunningProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  for (;;) {
    const match = running.stdout().match(pattern);
    if (match !== null) return match;
    const finished = await Promise.race([
      running.exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 50)),
    ]);
    if (finished)
      throw new Error(`process exited early:\n${running.stdout()}\n${running.stderr()}`);
  }
}

describe('main process', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function dataDirectory(): string {
    const directory = mkdtempSync(join(tmpdir(), 'parley-main-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    return directory;
  }

  it('serves /alive, then stops cleanly on SIGTERM with exit code 0', async () => {
    const running = runMain({
      PORT: '0',
      PARLEY_DATA_DIR: dataDirectory(),
      LOG_LEVEL: 'info',
      LOG_JSON: 'true',
    });
    cleanups.push(() => running.child.kill('SIGKILL'));
    const [, url] = await waitForOutput(running, /Parley is serving (http:\/\/\S+)/);
    const response = await fetch(`${url}/alive`);
    expect(await response.json()).toEqual({ status: 'ok' });
    running.child.kill('SIGTERM');
    const { code } = await running.exited;
    expect(code).toBe(0);
    expect(running.stdout()).toContain('"msg":"shut down"');
  });

  it('stops on SIGINT as well', async () => {
    const running = runMain({ PORT: '0', PARLEY_DATA_DIR: dataDirectory(), LOG_LEVEL: 'silent' });
    cleanups.push(() => running.child.kill('SIGKILL'));
    await waitForOutput(running, /Parley is serving/);
    running.child.kill('SIGINT');
    expect((await running.exited).code).toBe(0);
  });

  it('refuses a bad configuration value with one line naming the variable', async () => {
    const running = runMain({ PORT: 'eighty', PARLEY_DATA_DIR: dataDirectory() });
    const { code } = await running.exited;
    expect(code).toBe(1);
    const lines = running.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT .*"eighty"/);
  });
});
