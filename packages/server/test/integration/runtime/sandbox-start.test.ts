/**
 * Standard input and started commands (`run` with `stdin`, `start`), on the bubblewrap sandbox
 * and the unsandboxed runner alike: input reaches the command, a long-lived command answers line
 * by line, raw standard output round-trips bytes while standard error is still captured, a command
 * that never reads its input is harmless, and abort, removal and close end a started command.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import type { Sandbox, StartedCommand } from '../../../src/runtime/sandbox.js';
import { UnsandboxedRunner } from '../../../src/runtime/unsandboxed-runner.js';
import {
  bubblewrapAvailable,
  bubblewrapPath,
  processesWith,
  temporaryRoot,
} from '../../support/bubblewrap.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const available = bubblewrapAvailable();

interface Kind {
  name: string;
  create: (workspaceRoot: string) => Sandbox;
}

const { logger } = createCapturingLogger('silent');
const kinds: Kind[] = [
  ...(available
    ? [
        {
          name: 'BubblewrapSandbox',
          create: (workspaceRoot: string) =>
            new BubblewrapSandbox({
              workspaceRoot,
              bubblewrapPath,
              logger,
              limits: { killGraceMs: 200 },
            }),
        },
      ]
    : []),
  {
    name: 'UnsandboxedRunner',
    create: (workspaceRoot: string) =>
      new UnsandboxedRunner({
        workspaceRoot,
        acknowledgeNoIsolation: true,
        logger,
        limits: { killGraceMs: 200 },
      }),
  },
];

function uniqueSleep(): { command: string; token: string } {
  const token = `600.${randomInt(1_000_000, 9_999_999)}`;
  return { command: `sleep ${token}`, token };
}

/** Resolves once `command`'s streamed output contains `text`. */
function outputWatcher(): {
  onOutput: (chunk: string) => void;
  seen: (text: string) => Promise<void>;
} {
  let output = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  return {
    onOutput: (chunk) => {
      output += chunk;
      for (const waiter of waiters.filter((candidate) => output.includes(candidate.text))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    seen: (text) =>
      output.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ text, resolve })),
  };
}

describe.each(kinds)('$name: standard input and started commands', ({ create }) => {
  const temporary = temporaryRoot('start');
  let sandbox: Sandbox;

  beforeAll(() => {
    sandbox = create(join(temporary.root, 'workspaces'));
  });
  afterAll(async () => {
    await sandbox.close();
    temporary.remove();
  });

  it('writes stdin to the command and closes it (text and bytes)', async () => {
    expect(await sandbox.run('in', 'cat', { stdin: 'hello\nworld\n' })).toMatchObject({
      exitCode: 0,
      output: 'hello\nworld\n',
    });
    const bytes = new TextEncoder().encode('from bytes');
    expect((await sandbox.run('in', 'cat; echo', { stdin: bytes })).output).toBe('from bytes\n');
    // Without stdin the input is empty, so a reader ends at once.
    expect((await sandbox.run('in', 'cat; echo end')).output).toBe('end\n');
  });

  it('refuses stdin that is neither text nor bytes, running nothing', async () => {
    const stdin = 42 as unknown as string;
    await expect(sandbox.run('in', 'touch ran', { stdin })).rejects.toMatchObject({
      code: 'SANDBOX_COMMAND_INVALID',
    });
    expect((await sandbox.run('in', 'ls')).output).not.toContain('ran');
  });

  it('keeps a started command reading lines as they are written, until endInput', async () => {
    const watcher = outputWatcher();
    const started = sandbox.start(
      'echo',
      'while read -r line; do echo "got $line"; done; echo "input closed"',
      { onOutput: watcher.onOutput },
    );
    // Written before the process exists: queued, then delivered in order.
    expect(started.write('one\n')).toBe(true);
    await watcher.seen('got one\n');
    expect(started.write('two\n')).toBe(true);
    await watcher.seen('got two\n');
    expect(started.write(new TextEncoder().encode('three\n'))).toBe(true);
    await watcher.seen('got three\n');
    started.endInput();
    started.endInput();
    expect(started.write('late\n')).toBe(false);
    expect(await started.result).toMatchObject({
      exitCode: 0,
      output: 'got one\ngot two\ngot three\ninput closed\n',
    });
    expect(started.write('after the end\n')).toBe(false);
  });

  it('hands raw standard output to onStdout byte for byte; standard error is still captured', async () => {
    const binary = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
      randomBytes(300_000),
    ]);
    expect((await sandbox.run('raw', 'cat > blob.bin', { stdin: binary })).exitCode).toBe(0);
    const chunks: Buffer[] = [];
    const output: string[] = [];
    const started = sandbox.start('raw', 'cat blob.bin; echo "a warning" >&2', {
      onStdout: (chunk) => chunks.push(chunk),
      onOutput: (chunk) => output.push(chunk),
    });
    started.endInput();
    const result = await started.result;
    expect(Buffer.concat(chunks).equals(binary)).toBe(true);
    expect(result).toMatchObject({ exitCode: 0, output: 'a warning\n', truncated: false });
    expect(output.join('')).toBe('a warning\n');
  });

  it('is unharmed by a command that never reads its input', async () => {
    const large = Buffer.alloc(4 * 1024 * 1024, 120);
    expect(await sandbox.run('deaf', 'echo ignored', { stdin: large })).toMatchObject({
      exitCode: 0,
      output: 'ignored\n',
    });
    const started = sandbox.start('deaf', 'exec 0<&-; echo closed its input');
    const result = await started.result;
    expect(result.exitCode).toBe(0);
    expect(started.write(large)).toBe(false);
  });

  it('rejects result (and never throws) when the command is invalid', async () => {
    let started: StartedCommand | undefined;
    expect(() => {
      started = sandbox.start('../escape', 'true');
    }).not.toThrow();
    await expect(started?.result).rejects.toMatchObject({ code: 'WORKSPACE_ID_INVALID' });
    expect(started?.write('x')).toBe(false);
    await expect(sandbox.start('fine', '  ').result).rejects.toMatchObject({
      code: 'SANDBOX_COMMAND_INVALID',
    });
  });

  it('ends a started command (its whole process group) on abort', async () => {
    const sleeper = uniqueSleep();
    const controller = new AbortController();
    const watcher = outputWatcher();
    const started = sandbox.start('abort', `echo ready; ${sleeper.command}`, {
      signal: controller.signal,
      onOutput: watcher.onOutput,
    });
    await watcher.seen('ready');
    controller.abort(new Error('stop'));
    await expect(started.result).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
    await vi.waitFor(() => expect(processesWith(sleeper.token)).toEqual([]), {
      timeout: 10_000,
    });
    expect(started.write('x')).toBe(false);
  });

  it('ends a started command when its workspace is removed', async () => {
    const sleeper = uniqueSleep();
    const watcher = outputWatcher();
    const started = sandbox.start('removed', `echo ready; ${sleeper.command}`, {
      onOutput: watcher.onOutput,
    });
    await watcher.seen('ready');
    await sandbox.removeWorkspace('removed');
    await expect(started.result).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
    await vi.waitFor(() => expect(processesWith(sleeper.token)).toEqual([]), {
      timeout: 10_000,
    });
  });

  it('ends started commands when it closes', async () => {
    const temporaryClose = temporaryRoot('start-close');
    const closing = create(join(temporaryClose.root, 'workspaces'));
    const sleeper = uniqueSleep();
    const watcher = outputWatcher();
    const started = closing.start('w', `echo ready; ${sleeper.command}`, {
      onOutput: watcher.onOutput,
    });
    await watcher.seen('ready');
    await closing.close();
    await expect(started.result).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
    await vi.waitFor(() => expect(processesWith(sleeper.token)).toEqual([]), {
      timeout: 10_000,
    });
    temporaryClose.remove();
  });
});
