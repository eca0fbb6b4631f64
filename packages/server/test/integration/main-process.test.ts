import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, waitForOutput } from '../support/main-process.js';

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

  it('a second process on the same SQLite data directory refuses to start, in one line naming the reason', async () => {
    const directory = dataDirectory();
    const first = runMain({ PORT: '0', PARLEY_DATA_DIR: directory, LOG_LEVEL: 'silent' });
    cleanups.push(() => first.child.kill('SIGKILL'));
    await waitForOutput(first, /Parley is serving/);
    const second = runMain({ PORT: '0', PARLEY_DATA_DIR: directory, LOG_LEVEL: 'silent' });
    cleanups.push(() => second.child.kill('SIGKILL'));
    expect((await second.exited).code).toBe(1);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Another Parley process is using the data directory');
    expect(lines[0]).toContain('DATABASE_URL');
    // The first one is unharmed; once it is gone (even by SIGKILL), the directory is free again.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = runMain({ PORT: '0', PARLEY_DATA_DIR: directory, LOG_LEVEL: 'silent' });
    cleanups.push(() => third.child.kill('SIGKILL'));
    await waitForOutput(third, /Parley is serving/);
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
    // Three process starts on a busy machine: a generous bound, not a measured one.
  }, 180_000);
});
