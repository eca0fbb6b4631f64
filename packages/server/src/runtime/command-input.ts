/**
 * A command's standard input as `Sandbox.start` hands it out: writes made before the process
 * exists are queued, then written in order once it has started; `endInput` closes it (at once, or
 * right after the queue when the process starts later). A command that never reads its input, or
 * exits first, is no error: the write's EPIPE is swallowed and the rest is dropped. Also the two
 * ways a sandbox builds `start` and a `run` with `stdin` from one launch function.
 */
import type { Writable } from 'node:stream';
import { ParleyError } from '../shared/errors.js';
import type { RunOptions, RunResult, StartedCommand } from './sandbox.js';

export class CommandInput {
  #queue: Buffer[] = [];
  #stream: Writable | undefined;
  #ended = false;
  #closed = false;

  /** Queues or writes `input`; false once the input was ended or the command is over. */
  write(input: string | Uint8Array): boolean {
    if (this.#ended || this.#closed) return false;
    const chunk = toBuffer(input);
    const stream = this.#stream;
    if (stream === undefined) {
      this.#queue.push(chunk);
      return true;
    }
    if (stream.destroyed || stream.writableEnded) {
      this.close();
      return false;
    }
    stream.write(chunk);
    return true;
  }

  /** Closes the input (EOF). Idempotent. */
  endInput(): void {
    if (this.#ended) return;
    this.#ended = true;
    const stream = this.#stream;
    if (stream !== undefined && !stream.destroyed) stream.end();
  }

  /** Connects the started process's stdin: the queue is written, and an earlier end applied. */
  attach(stream: Writable): void {
    // EPIPE (the command exited or closed its input) and the like: the rest is dropped.
    stream.on('error', () => this.close());
    if (this.#closed) {
      stream.destroy();
      return;
    }
    this.#stream = stream;
    for (const chunk of this.#queue) stream.write(chunk);
    this.#queue = [];
    if (this.#ended) stream.end();
  }

  /** The command is over: nothing more is written. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
  }
}

/** `start` from a launch function: the handle at once, the launch's failures in `result`. */
export function startCommand(launch: (input: CommandInput) => Promise<RunResult>): StartedCommand {
  const input = new CommandInput();
  const result = launch(input);
  const close = (): void => input.close();
  result.then(close, close);
  return {
    write: (data) => input.write(data),
    endInput: () => input.endInput(),
    result,
  };
}

/** `run` from a launch function: no stdin pipe unless `stdin` is given, then written and closed. */
export async function runCommand(
  stdin: RunOptions['stdin'],
  launch: (input: CommandInput | undefined) => Promise<RunResult>,
): Promise<RunResult> {
  if (stdin === undefined) return launch(undefined);
  if (typeof stdin !== 'string' && !(stdin instanceof Uint8Array)) {
    throw new ParleyError('SANDBOX_COMMAND_INVALID', 'stdin must be a string or bytes');
  }
  const started = startCommand(launch);
  started.write(stdin);
  started.endInput();
  return started.result;
}

function toBuffer(input: string | Uint8Array): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof Uint8Array) return Buffer.from(input);
  throw new ParleyError('SANDBOX_COMMAND_INVALID', 'Input must be a string or bytes');
}
