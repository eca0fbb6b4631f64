/**
 * Starts one process in its own process group and waits for it with a timeout, an abort signal
 * and an output cap. Stopping sends SIGTERM to the whole group, then SIGKILL after the grace, so a
 * command that ignores SIGTERM still ends; when the top process exits, whatever it left running
 * in its group is killed, so nothing a command started outlives it.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { abortedErrorFrom } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { CommandInput } from './command-input.js';
import { OutputCapture } from './output-capture.js';
import type { RunResult } from './sandbox.js';
import type { SandboxUser } from './sandbox-user.js';

export interface ProcessSpecification {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The complete environment of the process (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** Spawn as this user (needs root); `undefined` runs as this process's user. */
  readonly user: SandboxUser | undefined;
}

export interface ProcessControl {
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  readonly outputBytes: number;
  readonly signal?: AbortSignal;
  readonly onOutput?: (chunk: string) => void;
  /** Standard output as raw bytes instead of the capture (standard error is still captured). */
  readonly onStdout?: (chunk: Buffer) => void;
  /** The process's standard input (a pipe); without it, stdin is /dev/null. */
  readonly input?: CommandInput;
}

/**
 * After the top process exited and its group was killed, how long to wait for the output pipes
 * to close before dropping them (a process that left the group could hold them open forever).
 */
const pipeDrainMs = 1_000;

/** Resolves once the process has exited and its pipes are closed; rejects on abort. */
export function runProcess(
  specification: ProcessSpecification,
  control: ProcessControl,
): Promise<RunResult> {
  const { signal } = control;
  if (signal?.aborted === true) return Promise.reject(abortedErrorFrom(signal));
  return new Promise<RunResult>((resolve, reject) => {
    const capture = new OutputCapture(control.outputBytes, control.onOutput);
    const child = spawn(specification.file, [...specification.args], {
      cwd: specification.cwd,
      env: { ...specification.env },
      detached: true,
      stdio: [control.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(specification.user === undefined
        ? {}
        : { uid: specification.user.uid, gid: specification.user.gid }),
    });
    const stdout = pipeOf(child.stdout);
    const stderr = pipeOf(child.stderr);
    let timedOut = false;
    let aborted = false;
    let exited = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const killGroup = (killSignal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, killSignal);
      } catch {
        // ESRCH: the group is already empty.
      }
    };
    const stop = (): void => {
      if (exited || graceTimer !== undefined) return;
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => killGroup('SIGKILL'), control.killGraceMs);
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };
    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      stop();
    }, control.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    const cleanUp = (): void => {
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      clearTimeout(drainTimer);
      signal?.removeEventListener('abort', onAbort);
    };

    if (child.stdin !== null) control.input?.attach(child.stdin);
    const { onStdout } = control;
    stdout.on('data', (chunk: Buffer) => {
      if (onStdout === undefined) capture.push('stdout', chunk);
      else onStdout(chunk);
    });
    stderr.on('data', (chunk: Buffer) => capture.push('stderr', chunk));
    child.once('error', (error) => {
      cleanUp();
      control.input?.close();
      reject(
        new ParleyError('SANDBOX_START_FAILED', `Could not start ${specification.file}`, {
          cause: error,
        }),
      );
    });
    child.once('exit', (code, exitSignal) => {
      exited = true;
      control.input?.close();
      exit = { code, signal: exitSignal };
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      // Background processes the command left in its group end with it.
      killGroup('SIGKILL');
      drainTimer = setTimeout(() => {
        stdout.destroy();
        stderr.destroy();
      }, pipeDrainMs);
    });
    child.once('close', () => {
      cleanUp();
      capture.end();
      if (aborted && signal !== undefined) {
        reject(abortedErrorFrom(signal));
        return;
      }
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        output: capture.text(),
        truncated: capture.truncated,
        timedOut,
      });
    });
  });
}

function pipeOf(stream: Readable | null): Readable {
  if (stream === null) throw new Error('The process was spawned without an output pipe');
  return stream;
}
