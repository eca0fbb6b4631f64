/**
 * R16: floods and stubborn commands in the bubblewrap sandbox end, bounded by the limits, and
 * leave nothing running. This suite runs its commands as its own host user (65533 when root), so
 * its fork bomb counts against no other suite's process limit.
 */
import { randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import {
  bubblewrapAvailable,
  bubblewrapPath,
  processesOf,
  processesWith,
  temporaryRoot,
} from '../../support/bubblewrap.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const available = bubblewrapAvailable();
const isRoot = process.getuid?.() === 0;
const user = { uid: 65533, gid: 65533 };
const kibibyte = 1024;
const mebibyte = 1024 * kibibyte;

/** A `sleep` whose command line no other process has, to find it on the host. */
function uniqueSleep(): { command: string; token: string } {
  const token = `600.${randomInt(1_000_000, 9_999_999)}`;
  return { command: `sleep ${token}`, token };
}

describe.skipIf(!available)('the sandbox bounds what a command consumes (R16)', () => {
  const temporary = temporaryRoot('limits');
  const workspaceRoot = join(temporary.root, 'workspaces');
  const { logger } = createCapturingLogger('silent');
  let sandbox: BubblewrapSandbox;

  beforeAll(() => {
    sandbox = new BubblewrapSandbox({
      workspaceRoot,
      bubblewrapPath,
      logger,
      user,
      limits: {
        processes: 48,
        fileSizeBytes: 1 * mebibyte,
        tmpBytes: 2 * mebibyte,
        outputBytes: 64 * kibibyte,
        killGraceMs: 200,
      },
    });
  });
  afterAll(async () => {
    await sandbox.close();
    temporary.remove();
  });

  it('bounds a fork bomb by the process limit; it ends and leaves nothing running', async () => {
    const result = await sandbox.run('bomb', 'bomb() { bomb | bomb & }; bomb; sleep 1; wait', {
      timeoutMs: 5_000,
    });
    expect(result.output).toMatch(/fork|Resource temporarily unavailable/i);
    if (isRoot) {
      await vi.waitFor(() => expect(processesOf(user.uid)).toEqual([]), { timeout: 10_000 });
    }
    expect((await sandbox.run('bomb', 'echo still works')).output).toBe('still works\n');
  });

  it('stops a write at the file-size cap, and /tmp and /dev/shm at their size', async () => {
    const big = await sandbox.run('disk', 'head -c 5000000 /dev/zero > big; echo "status $?"');
    expect(big.output).toMatch(/status (153|1)\n$/);
    expect(statSync(join(workspaceRoot, 'disk', 'big')).size).toBeLessThanOrEqual(1 * mebibyte);
    const tmp = await sandbox.run(
      'disk',
      'for i in 1 2 3 4; do head -c 900000 /dev/zero > /tmp/f$i || exit 9; done',
    );
    expect(tmp.exitCode).toBe(9);
    expect(tmp.output).toContain('No space left on device');
    const shm = await sandbox.run(
      'disk',
      'for i in 1 2 3 4; do head -c 900000 /dev/zero > /dev/shm/f$i || exit 9; done',
    );
    expect(shm.exitCode).toBe(9);
    expect(shm.output).toContain('No space left on device');
  });

  it('keeps 100 MB of output to the cap, marked truncated, and streams no more than the cap', async () => {
    let streamed = 0;
    const result = await sandbox.run(
      'flood',
      'head -c 104857600 /dev/zero | tr "\\0" a; echo END',
      {
        onOutput: (chunk) => {
          streamed += chunk.length;
        },
      },
    );
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBeLessThan(65 * kibibyte);
    expect(result.output).toMatch(/^a+\n\[\.\.\. \d+ bytes of output omitted \.\.\.\]\na+END\n$/);
    const omitted = Number(/(\d+) bytes of output omitted/.exec(result.output)?.[1]);
    expect(omitted).toBe(104857600 + 4 - 64 * kibibyte);
    expect(streamed).toBeLessThan(65 * kibibyte);
  });

  it('ends a command that ignores SIGTERM when it is aborted, and its background children', async () => {
    const sleeper = uniqueSleep();
    const controller = new AbortController();
    const run = sandbox.run('stubborn', `trap '' TERM; ${sleeper.command} & echo ready; wait`, {
      signal: controller.signal,
      onOutput: () => controller.abort(new Error('stop')),
    });
    await expect(run).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
    await vi.waitFor(() => expect(processesWith(sleeper.token)).toEqual([]));
  });

  it('ends a command that ignores SIGTERM at its timeout', async () => {
    const sleeper = uniqueSleep();
    const result = await sandbox.run('stubborn', `trap '' TERM; echo ready; ${sleeper.command}`, {
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ timedOut: true, output: 'ready\n' });
    await vi.waitFor(() => expect(processesWith(sleeper.token)).toEqual([]));
  });

  it('leaves no background process behind once the command has finished', async () => {
    const sleeper = uniqueSleep();
    const result = await sandbox.run(
      'background',
      `${sleeper.command} > /dev/null 2>&1 & echo done`,
    );
    expect(result).toMatchObject({ exitCode: 0, output: 'done\n' });
    await vi.waitFor(() => expect(processesWith(sleeper.token)).toEqual([]));
  });

  it('other workspaces run while one is flooded', async () => {
    const controller = new AbortController();
    const flood = sandbox.run('busy', 'yes', { signal: controller.signal });
    expect((await sandbox.run('calm', 'echo fine')).output).toBe('fine\n');
    controller.abort();
    await expect(flood).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
  });
});
