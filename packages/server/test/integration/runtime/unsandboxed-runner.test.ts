import { randomInt, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnsandboxedRunner } from '../../../src/runtime/unsandboxed-runner.js';
import { processesWith, temporaryRoot } from '../../support/bubblewrap.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const isRoot = process.getuid?.() === 0;

describe('UnsandboxedRunner', () => {
  const temporary = temporaryRoot('unsandboxed');
  const workspaceRoot = join(temporary.root, 'workspaces');
  const captured = createCapturingLogger('info');
  let runner: UnsandboxedRunner;

  beforeAll(() => {
    runner = new UnsandboxedRunner({
      workspaceRoot,
      acknowledgeNoIsolation: true,
      logger: captured.logger,
      limits: { killGraceMs: 200 },
    });
  });
  afterAll(async () => {
    await runner.close();
    temporary.remove();
  });

  it('needs the acknowledgement and says loudly that nothing is isolated', () => {
    expect(
      () =>
        new UnsandboxedRunner({
          workspaceRoot,
          acknowledgeNoIsolation: false as unknown as true,
          logger: captured.logger,
        }),
    ).toThrow(/acknowledgeNoIsolation/);
    const warning = captured.lines().find((line) => line['level'] === 40);
    expect(warning?.['msg']).toMatch(/^COMMANDS RUN UNSANDBOXED/);
  });

  it('runs in the workspace with the minimal environment, never as root', async () => {
    const name = 'PARLEY_TEST_UNSANDBOXED_CANARY';
    process.env[name] = randomUUID();
    try {
      const result = await runner.run('w1', 'pwd; echo "$HOME"; env; touch mine', {
        env: { EXPORTED: 'yes' },
      });
      const path = join(workspaceRoot, 'w1');
      expect(result.output.startsWith(`${path}\n${path}\n`)).toBe(true);
      expect(result.output).toContain('EXPORTED=yes');
      expect(result.output).not.toContain(name);
      expect(statSync(join(path, 'mine')).uid).not.toBe(0);
      if (isRoot) expect(statSync(join(path, 'mine')).uid).toBe(65534);
    } finally {
      delete process.env[name];
    }
    expect(await runner.ensureWorkspace('w1')).toEqual({
      id: 'w1',
      directory: join(workspaceRoot, 'w1'),
    });
  });

  it('kills a command that ignores SIGTERM after the grace (SIGKILL), with its group', async () => {
    const token = `600.${randomInt(1_000_000, 9_999_999)}`;
    const result = await runner.run('w2', `trap '' TERM; sleep ${token} & echo ready; wait`, {
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL', output: 'ready\n' });
    await vi.waitFor(() => expect(processesWith(token)).toEqual([]));
  });

  it('ends what a finished command left running in its group', async () => {
    const token = `600.${randomInt(1_000_000, 9_999_999)}`;
    const result = await runner.run('w3', `sleep ${token} > /dev/null 2>&1 & echo done`);
    expect(result).toMatchObject({ exitCode: 0, output: 'done\n' });
    await vi.waitFor(() => expect(processesWith(token)).toEqual([]));
  });

  it('refuses a working directory outside the workspace', async () => {
    await expect(runner.run('w4', 'pwd', { cwd: '../..' })).rejects.toMatchObject({
      code: 'SANDBOX_COMMAND_INVALID',
    });
  });
});
