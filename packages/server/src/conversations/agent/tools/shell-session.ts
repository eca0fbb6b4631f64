/**
 * The shell behind `execute_bash` for one conversation: each command runs in a fresh bash in the
 * sandbox, started in the directory the previous command left (so `cd` carries over), with at most
 * one command running at a time. A command still running when it goes quiet (or at the call's
 * `timeout`) is left running and reported with exit code -1; the model may then wait for more
 * output (empty command), type into it (`is_input`) or interrupt it (`C-c`), as upstream's agent does.
 */
import type { Sandbox } from '../../../runtime/sandbox.js';
import { newCommandMarker } from './command-marker.js';
import { RunningShellCommand, type Progress } from './running-shell-command.js';

export interface ShellRequest {
  readonly command: string;
  readonly isInput: boolean;
  /** Seconds to wait before reporting back while the command goes on; default: until it is quiet. */
  readonly timeoutSeconds?: number | undefined;
}

export type ShellResult =
  | {
      readonly kind: 'output';
      readonly output: string;
      /** -1 while the command is still running or when a limit killed it. */
      readonly exitCode: number;
      readonly workingDirectory: string;
      readonly prefix: string;
      readonly suffix: string;
    }
  | { readonly kind: 'refused'; readonly message: string };

export interface ShellSessionOptions {
  readonly sandbox: Sandbox;
  readonly workspaceId: string;
  /** Report back after this long without output, leaving the command running. Default 30 s. */
  readonly quietMs?: number;
  /** Variables exported to every command (the user's secrets, when the operator allows it). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Most characters of output one observation carries: the head and the tail are kept. */
export const observationOutputLimit = 30_000;

const interactionHint =
  'You may wait longer to see additional output by sending an empty command, send input to the running process with `is_input` set to true, send "C-c" with `is_input` to interrupt it, or use the timeout parameter of execute_bash for future commands.';

const specialKeys = new Set(['C-c', 'C-d', 'C-z']);

export class ShellSession {
  readonly #options: ShellSessionOptions;
  #workingDirectory: string | undefined;
  #running: RunningShellCommand | undefined;

  constructor(options: ShellSessionOptions) {
    this.#options = options;
  }

  async execute(
    request: ShellRequest,
    options: { signal: AbortSignal; onOutput?: (chunk: string) => void },
  ): Promise<ShellResult> {
    const running = this.#running?.done === false ? this.#running : undefined;
    const command = request.command;
    if (running !== undefined) {
      if (!request.isInput && command.trim() !== '') {
        return refused(
          `[Your command "${command}" was NOT run: the previous command is still running. ${interactionHint}]`,
        );
      }
      if (request.isInput) this.#type(running, command);
      return this.#wait(
        running,
        request,
        options,
        '[Below is the output of the previous command.]\n',
      );
    }
    this.#running = undefined;
    if (command.trim() === '') {
      return refused('ERROR: No previous running command to retrieve logs from.');
    }
    if (request.isInput) return refused('ERROR: No previous running command to interact with.');
    const started = await this.#start(command, options.signal);
    return this.#wait(started, request, options, '');
  }

  /** Ends the running command, if any, and waits until it has ended. */
  async close(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    running.kill();
    await running.finished;
  }

  async #start(command: string, signal: AbortSignal): Promise<RunningShellCommand> {
    const { sandbox, workspaceId } = this.#options;
    const workspace = await sandbox.ensureWorkspace(workspaceId, { signal });
    this.#workingDirectory ??= workspace.directory;
    const marker = newCommandMarker();
    const running = new RunningShellCommand({
      sandbox,
      workspaceId,
      script: `exec /bin/bash -c '${wrapperScript}'`,
      env: {
        ...this.#options.env,
        PARLEY_COMMAND: command,
        PARLEY_CWD: this.#workingDirectory,
        PARLEY_MARKER: marker,
      },
      marker,
    });
    this.#running = running;
    return running;
  }

  #type(running: RunningShellCommand, input: string): void {
    if (!specialKeys.has(input)) {
      running.write(`${input}\n`);
      return;
    }
    if (input === 'C-d') running.endInput();
    else running.kill();
  }

  async #wait(
    running: RunningShellCommand,
    request: ShellRequest,
    options: { signal: AbortSignal; onOutput?: (chunk: string) => void },
    prefix: string,
  ): Promise<ShellResult> {
    const timeoutMs =
      request.timeoutSeconds === undefined ? undefined : request.timeoutSeconds * 1000;
    running.listen(options.onOutput);
    let progress: Progress;
    try {
      progress = await running.waitForProgress(
        this.#options.quietMs ?? 30_000,
        timeoutMs === undefined ? undefined : Date.now() + timeoutMs,
        options.signal,
      );
    } catch (error) {
      // A stop ends the command with the call.
      if (options.signal.aborted) {
        running.kill();
        await running.finished;
      }
      throw error;
    } finally {
      running.listen(undefined);
    }
    const output = clipOutput(running.takeOutput());
    const result = { kind: 'output' as const, output, prefix };
    if (progress.kind !== 'finished') {
      const waited =
        progress.kind === 'quiet'
          ? `has no new output after ${(this.#options.quietMs ?? 30_000) / 1000} seconds`
          : `is still running after the timeout of ${request.timeoutSeconds ?? 0} seconds`;
      return {
        ...result,
        exitCode: -1,
        workingDirectory: this.#workingDirectory ?? '',
        suffix: `\n[The command ${waited}. ${interactionHint}]`,
      };
    }
    if (progress.workingDirectory !== undefined) this.#workingDirectory = progress.workingDirectory;
    const { exitCode, timedOut } = progress.result;
    const workingDirectory = this.#workingDirectory ?? '';
    if (timedOut) {
      return {
        ...result,
        exitCode: -1,
        workingDirectory,
        suffix:
          '\n[The command was killed: it reached the sandbox limit on the time of one command.]',
      };
    }
    const code = exitCode ?? (running.interrupted ? 130 : -1);
    const interrupted = running.interrupted ? ' CTRL+C was sent.' : '';
    return {
      ...result,
      exitCode: code,
      workingDirectory,
      suffix: `\n[The command completed with exit code ${code}.${interrupted}]`,
    };
  }
}

/**
 * Runs the command with `eval` in the directory the previous one left, then prints the marker
 * and the directory this one left. Single-quoted by the caller, so it holds no `'`.
 */
const wrapperScript = [
  '__parley_marker=$PARLEY_MARKER',
  '__parley_command=$PARLEY_COMMAND',
  'cd -- "$PARLEY_CWD" 2>/dev/null || cd -- "$HOME"',
  'unset PARLEY_MARKER PARLEY_COMMAND PARLEY_CWD',
  'eval "$__parley_command"',
  '__parley_status=$?',
  'printf "%s%s\\n" "$__parley_marker" "$PWD"',
  'exit "$__parley_status"',
].join('\n');

function refused(message: string): ShellResult {
  return { kind: 'refused', message };
}

/** At most `observationOutputLimit` characters: the head and the tail, with a note between. */
export function clipOutput(output: string): string {
  if (output.length <= observationOutputLimit) return output;
  const half = Math.floor(observationOutputLimit / 2);
  const omitted = output.length - 2 * half;
  return `${output.slice(0, half)}\n[... ${omitted} characters of output omitted ...]\n${output.slice(-half)}`;
}
