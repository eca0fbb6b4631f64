/**
 * `McpSandbox.start` without isolation, for the MCP unit tests: `/bin/sh -c <command>` on the
 * host in a directory of its own, with only `PATH` and the given variables, in its own process
 * group (ended by the signal). The real sandbox's `start` is tested in the runtime suites.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { AbortedError } from '../../../src/shared/errors.js';
import type { McpSandbox } from '../../../src/conversations/agent/mcp/mcp-server-connection.js';
import type { RunResult, StartOptions, StartedCommand } from '../../../src/runtime/sandbox.js';

export interface StartedRecord {
  readonly workspaceId: string;
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
}

export class HostProcessSandbox implements McpSandbox {
  /** Every command started, in order. */
  readonly started: StartedRecord[] = [];
  /** Commands not yet ended. */
  running = 0;
  readonly #children = new Set<ChildProcess>();

  constructor(private readonly directory: string) {}

  /** Kills every running command, as a crash would (their results resolve, ended by SIGKILL). */
  killAll(): void {
    for (const child of this.#children) child.kill('SIGKILL');
  }

  start(workspaceId: string, command: string, options: StartOptions = {}): StartedCommand {
    const env = { ...(options.env ?? {}) };
    this.started.push({ workspaceId, command, env });
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: this.directory,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.running += 1;
    this.#children.add(child);
    let errorOutput = '';
    child.stderr.on('data', (chunk: Buffer) => (errorOutput += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => options.onStdout?.(chunk));
    child.stdin.on('error', () => {});
    const kill = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    const result = new Promise<RunResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode, signal) => {
        this.running -= 1;
        this.#children.delete(child);
        options.signal?.removeEventListener('abort', kill);
        if (options.signal?.aborted === true) {
          reject(new AbortedError(undefined, { cause: options.signal.reason }));
          return;
        }
        resolve({ exitCode, signal, output: errorOutput, truncated: false, timedOut: false });
      });
    });
    let inputOpen = true;
    return {
      write: (input) => {
        if (!inputOpen || !child.stdin.writable) return false;
        child.stdin.write(input);
        return true;
      },
      endInput: () => {
        if (!inputOpen) return;
        inputOpen = false;
        child.stdin.end();
      },
      result,
    };
  }
}
