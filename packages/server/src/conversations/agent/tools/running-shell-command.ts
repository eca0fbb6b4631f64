/**
 * One `execute_bash` command running in the sandbox: its output since the last observation, its
 * input, and waiting for it to finish or to go quiet. It outlives a tool call when the model lets
 * it run on (a server, a long build); the shell session keeps it until it ends or is killed.
 */
import type { RunResult, Sandbox, StartedCommand } from '../../../runtime/sandbox.js';
import { isAbortError } from '../../../shared/abort.js';
import { MarkerFilter, splitMarker } from './command-marker.js';

/** What an interrupted command leaves: no exit status of its own (the session reports 130). */
const interruptedResult: RunResult = {
  exitCode: null,
  signal: 'SIGTERM',
  output: '',
  truncated: false,
  timedOut: false,
};

export interface ShellCommandStart {
  readonly sandbox: Sandbox;
  readonly workspaceId: string;
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly marker: string;
}

/** Why `waitForProgress` returned. */
export type Progress =
  | { readonly kind: 'finished'; readonly result: RunResult; readonly workingDirectory?: string }
  | { readonly kind: 'quiet' }
  | { readonly kind: 'deadline' };

export class RunningShellCommand {
  readonly #controller = new AbortController();
  readonly #started: StartedCommand;
  readonly #filter: MarkerFilter;
  readonly #marker: string;
  /** Output not yet reported in an observation. */
  #unreported = '';
  #listener: ((chunk: string) => void) | undefined;
  #lastOutputAt = Date.now();
  #onActivity: (() => void) | undefined;
  readonly finished: Promise<RunResult | Error>;
  #result: RunResult | Error | undefined;
  #interrupted = false;
  #reportedAny = false;

  constructor(start: ShellCommandStart) {
    this.#marker = start.marker;
    this.#filter = new MarkerFilter(start.marker);
    this.#started = start.sandbox.start(start.workspaceId, start.script, {
      env: start.env,
      signal: this.#controller.signal,
      onOutput: (chunk) => this.#output(this.#filter.push(chunk)),
    });
    this.finished = this.#started.result.then(
      (result) => result,
      (error: unknown) => {
        // Interrupted on purpose (C-c): the command ended, as a shell's Ctrl+C would end it.
        if (this.#interrupted && isAbortError(error)) return interruptedResult;
        return error instanceof Error ? error : new Error(String(error));
      },
    );
    void this.finished.then((result) => {
      this.#output(this.#filter.end());
      this.#result = result;
      this.#onActivity?.();
    });
  }

  get done(): boolean {
    return this.#result !== undefined;
  }

  /** True once the command was interrupted (`C-c`) or killed. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  /** Streams new output to `listener` (one listener: the tool call waiting on the command). */
  listen(listener: ((chunk: string) => void) | undefined): void {
    this.#listener = listener;
  }

  /** Output since the last call, without the working-directory marker line. */
  takeOutput(): string {
    const text = this.#unreported;
    if (text !== '') this.#reportedAny = true;
    this.#unreported = '';
    return text;
  }

  write(text: string): boolean {
    return this.#started.write(text);
  }

  endInput(): void {
    this.#started.endInput();
  }

  /** Ends the command's whole process group (SIGTERM, then SIGKILL after the sandbox's grace). */
  kill(): void {
    this.#interrupted = true;
    this.#controller.abort(new Error('The command was interrupted'));
  }

  /**
   * Resolves when the command finished, when it printed nothing for `quietMs`, or at `deadline`
   * (a `Date.now()` value), whichever comes first; rejects when `signal` fires.
   */
  waitForProgress(
    quietMs: number,
    deadline: number | undefined,
    signal: AbortSignal,
  ): Promise<Progress> {
    return new Promise<Progress>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (progress: Progress | Error): void => {
        clearTimeout(timer);
        this.#onActivity = undefined;
        signal.removeEventListener('abort', onAbort);
        if (progress instanceof Error) reject(progress);
        else resolve(progress);
      };
      const onAbort = (): void =>
        settle(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      const check = (): void => {
        const result = this.#result;
        if (result instanceof Error) return settle(result);
        if (result !== undefined) return settle(this.#finishedProgress(result));
        const now = Date.now();
        if (deadline !== undefined && now >= deadline) return settle({ kind: 'deadline' });
        const quietAt = this.#lastOutputAt + quietMs;
        if (now >= quietAt) return settle({ kind: 'quiet' });
        clearTimeout(timer);
        timer = setTimeout(check, Math.min(quietAt, deadline ?? quietAt) - now);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#onActivity = check;
      check();
    });
  }

  #finishedProgress(result: RunResult): Progress {
    let workingDirectory = this.#filter.workingDirectory;
    if (result.truncated && !this.#reportedAny) {
      // Past the cap the stream stopped; the result keeps the head and the tail.
      const split = splitMarker(result.output, this.#marker);
      this.#unreported = split.output;
      workingDirectory = split.workingDirectory;
    }
    return workingDirectory === undefined
      ? { kind: 'finished', result }
      : { kind: 'finished', result, workingDirectory };
  }

  #output(text: string): void {
    if (text === '') return;
    this.#unreported += text;
    this.#lastOutputAt = Date.now();
    this.#listener?.(text);
  }
}
