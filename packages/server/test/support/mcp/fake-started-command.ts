/** A `StartedCommand` driven by the test: what was written, output on demand, an exit on demand. */
import type { StartServerCommand } from '../../../src/conversations/agent/mcp/started-command-transport.js';
import type { RunResult, StartedCommand } from '../../../src/runtime/sandbox.js';

export class FakeStartedCommand implements StartedCommand {
  /** Everything written to standard input, in order. */
  readonly written: string[] = [];
  inputEnded = false;
  /** The signal `start` got; the test ends the command when it fires, if `endsWhenAborted`. */
  signal: AbortSignal | undefined;
  readonly result: Promise<RunResult>;
  #settle!: (result: RunResult | Error) => void;
  #ended = false;

  constructor(
    private readonly onStdout: (chunk: Buffer) => void,
    options: { endsWhenInputEnds?: boolean } = {},
  ) {
    this.result = new Promise<RunResult>((resolve, reject) => {
      this.#settle = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
    });
    this.endsWhenInputEnds = options.endsWhenInputEnds ?? true;
  }

  readonly endsWhenInputEnds: boolean;

  write(input: string | Uint8Array): boolean {
    if (this.inputEnded || this.#ended) return false;
    this.written.push(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
    return true;
  }

  endInput(): void {
    this.inputEnded = true;
    if (this.endsWhenInputEnds) this.exit(0);
  }

  /** Writes `text` to the command's standard output, in one chunk. */
  emit(text: string | Buffer): void {
    this.onStdout(typeof text === 'string' ? Buffer.from(text) : text);
  }

  /** The command ends with `exitCode` and `errorOutput` on standard error. */
  exit(exitCode: number | null, errorOutput = ''): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settle({
      exitCode,
      signal: null,
      output: errorOutput,
      truncated: false,
      timedOut: false,
    });
  }

  /** The command fails (`result` rejects). */
  fail(error: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settle(error);
  }
}

/** A `StartServerCommand` that makes fake commands and keeps the last one. */
export function fakeStarter(options: { endsWhenInputEnds?: boolean } = {}): {
  start: StartServerCommand;
  commands: FakeStartedCommand[];
} {
  const commands: FakeStartedCommand[] = [];
  return {
    commands,
    start: ({ onStdout, signal }) => {
      const command = new FakeStartedCommand(onStdout, options);
      command.signal = signal;
      signal.addEventListener('abort', () => command.fail(new Error('killed')), { once: true });
      commands.push(command);
      return command;
    },
  };
}
