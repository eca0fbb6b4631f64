import { chmodSync, existsSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import { bubblewrapAvailable, bubblewrapPath, temporaryRoot } from '../../support/bubblewrap.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const available = bubblewrapAvailable();

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { ...(code === undefined ? {} : { code }), message };
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!available)('BubblewrapSandbox: commands in a workspace', () => {
  const temporary = temporaryRoot('sandbox');
  const workspaceRoot = join(temporary.root, 'workspaces');
  const { logger } = createCapturingLogger('silent');
  let sandbox: BubblewrapSandbox;

  beforeAll(() => {
    sandbox = new BubblewrapSandbox({ workspaceRoot, bubblewrapPath, logger });
  });
  afterAll(async () => {
    await sandbox.close();
    temporary.remove();
  });

  it('reports exit codes and output (standard error included, in order)', async () => {
    expect(await sandbox.run('w1', 'echo one; echo two >&2; echo three; exit 3')).toEqual({
      exitCode: 3,
      signal: null,
      output: 'one\ntwo\nthree\n',
      truncated: false,
      timedOut: false,
    });
    expect((await sandbox.run('w1', 'true')).exitCode).toBe(0);
    expect((await sandbox.run('w1', 'no-such-program')).exitCode).toBe(127);
  });

  it('creates the workspace on first use, keeps files between commands, removes it on demand', async () => {
    const path = join(workspaceRoot, 'w2');
    expect(existsSync(path)).toBe(false);
    await sandbox.run('w2', 'echo kept > note.txt');
    expect(lstatSync(path).mode & 0o777).toBe(0o700);
    expect((await sandbox.run('w2', 'cat note.txt')).output).toBe('kept\n');
    expect(await sandbox.ensureWorkspace('w2')).toEqual({ id: 'w2', directory: '/workspace' });
    await sandbox.removeWorkspace('w2');
    expect(existsSync(path)).toBe(false);
    await sandbox.removeWorkspace('w2');
  });

  it('runs in the working directory asked for, and never outside the workspace', async () => {
    await sandbox.run('w3', 'mkdir -p sub/deeper');
    expect((await sandbox.run('w3', 'pwd')).output).toBe('/workspace\n');
    expect((await sandbox.run('w3', 'pwd', { cwd: 'sub/deeper' })).output).toBe(
      '/workspace/sub/deeper\n',
    );
    expect((await sandbox.run('w3', 'pwd', { cwd: '/workspace/sub' })).output).toBe(
      '/workspace/sub\n',
    );
    for (const cwd of ['..', '../etc', '/etc', 'sub/../../tmp']) {
      expect(await rejection(sandbox.run('w3', 'pwd', { cwd }))).toMatchObject({
        code: 'SANDBOX_COMMAND_INVALID',
      });
    }
  });

  it('refuses workspace ids that could be path tricks, creating nothing', async () => {
    for (const id of [
      '',
      '.',
      '..',
      '../x',
      'a/b',
      'a\\b',
      'a\0b',
      '.sandbox-etc',
      'x'.repeat(129),
    ]) {
      expect(await rejection(sandbox.run(id, 'true'))).toMatchObject({
        code: 'WORKSPACE_ID_INVALID',
      });
      expect(await rejection(sandbox.removeWorkspace(id))).toMatchObject({
        code: 'WORKSPACE_ID_INVALID',
      });
    }
    expect(existsSync(join(temporary.root, 'x'))).toBe(false);
  });

  it('streams output while the command runs, in order', async () => {
    const chunks: string[] = [];
    // The command waits for a file the test writes only once "first" has been streamed.
    const result = await sandbox.run(
      'w4',
      'echo first; while [ ! -e go ]; do sleep 0.01; done; echo second',
      {
        onOutput: (chunk) => {
          chunks.push(chunk);
          if (chunks.join('').includes('first')) writeFileSync(join(workspaceRoot, 'w4', 'go'), '');
        },
      },
    );
    expect(result.output).toBe('first\nsecond\n');
    expect(chunks.join('')).toBe('first\nsecond\n');
  });

  it('reports a timeout and ends the command', async () => {
    const result = await sandbox.run('w5', 'echo started; sleep 600', { timeoutMs: 200 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, output: 'started\n' });
    expect(result.signal).not.toBeNull();
  });

  it('rejects an aborted command with OPERATION_ABORTED', async () => {
    const controller = new AbortController();
    const run = sandbox.run('w6', 'echo ready; sleep 600', {
      signal: controller.signal,
      onOutput: () => controller.abort(new Error('stop')),
    });
    expect(await rejection(run)).toMatchObject({ code: 'OPERATION_ABORTED' });
    const aborted = AbortSignal.abort();
    expect(await rejection(sandbox.run('w6', 'true', { signal: aborted }))).toMatchObject({
      code: 'OPERATION_ABORTED',
    });
  });

  it('exports the variables it is given, and only well-formed ones', async () => {
    const result = await sandbox.run('w7', 'echo "$GREETING from $HOME"', {
      env: { GREETING: 'hello' },
    });
    expect(result.output).toBe('hello from /workspace\n');
    const malformed: Record<string, string>[] = [
      { 'BAD-NAME': 'x' },
      { '1X': 'x' },
      { GOOD: 'nul\0' },
    ];
    for (const env of malformed) {
      expect(await rejection(sandbox.run('w7', 'true', { env }))).toMatchObject({
        code: 'SANDBOX_COMMAND_INVALID',
      });
    }
    expect(await rejection(sandbox.run('w7', '   '))).toMatchObject({
      code: 'SANDBOX_COMMAND_INVALID',
    });
  });

  it('ends the running commands of a workspace that is removed', async () => {
    const run = sandbox.run('w8', 'echo ready; sleep 600', {
      onOutput: () => void sandbox.removeWorkspace('w8'),
    });
    expect(await rejection(run)).toMatchObject({ code: 'OPERATION_ABORTED' });
  });
});

describe.skipIf(!available)('BubblewrapSandbox: when commands cannot run', () => {
  it('says how to install bubblewrap when it is missing', async () => {
    const temporary = temporaryRoot('sandbox-missing');
    const { logger } = createCapturingLogger('silent');
    const sandbox = new BubblewrapSandbox({
      workspaceRoot: temporary.root,
      bubblewrapPath: '/nonexistent/bwrap',
      logger,
    });
    const error = await rejection(sandbox.run('w1', 'true'));
    expect(error.code).toBe('SANDBOX_UNAVAILABLE');
    expect(error.message).toContain('apt-get install bubblewrap');
    temporary.remove();
  });

  it.skipIf(process.getuid?.() !== 0)(
    'says so when the sandbox user cannot reach the workspace root',
    async () => {
      const temporary = temporaryRoot('sandbox-unreachable');
      chmodSync(temporary.root, 0o700);
      const { logger } = createCapturingLogger('silent');
      const sandbox = new BubblewrapSandbox({
        workspaceRoot: join(temporary.root, 'workspaces'),
        bubblewrapPath,
        logger,
      });
      const error = await rejection(sandbox.run('w1', 'true'));
      expect(error.code).toBe('SANDBOX_UNAVAILABLE');
      expect(error.message).toMatch(/uid 65534 must be able to reach/);
      expect(error.message).toContain('Permission denied');
      temporary.remove();
    },
  );

  it('refuses new commands once closed', async () => {
    const temporary = temporaryRoot('sandbox-closed');
    const { logger } = createCapturingLogger('silent');
    const sandbox = new BubblewrapSandbox({
      workspaceRoot: temporary.root,
      bubblewrapPath,
      logger,
    });
    await sandbox.close();
    expect(await rejection(sandbox.run('w1', 'true'))).toMatchObject({
      code: 'SERVER_SHUTTING_DOWN',
    });
    temporary.remove();
  });
});
