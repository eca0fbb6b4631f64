/**
 * An MCP `Transport` over a command started in the sandbox: JSON-RPC messages are newline-
 * delimited JSON on its standard input and output (the MCP stdio transport), the command's end
 * is the connection's close.
 */
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { RunResult, StartedCommand } from '../../../runtime/sandbox.js';

/** Starts the server's command, with its standard output going to `onStdout`; `signal` ends it. */
export type StartServerCommand = (options: {
  onStdout: (chunk: Buffer) => void;
  signal: AbortSignal;
}) => StartedCommand;

export interface StartedCommandTransportOptions {
  /** How long `close` waits for the server to exit after its input is closed, before killing it. */
  readonly closeGraceMs?: number;
  /** Longest message line kept while it arrives; longer ones end the connection. Default 10 MiB. */
  readonly maxMessageBytes?: number;
}

const defaultCloseGraceMs = 2_000;
/** Characters of standard error kept for logs. */
const errorOutputKept = 1_000;

export class StartedCommandTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #startCommand: StartServerCommand;
  readonly #closeGraceMs: number;
  readonly #readBuffer: ReadBuffer;
  readonly #stop = new AbortController();
  #command: StartedCommand | undefined;
  #ended: Promise<void> | undefined;
  #isClosing = false;
  #hasEnded = false;
  #exit: string | undefined;
  #errorOutput = '';

  constructor(startCommand: StartServerCommand, options: StartedCommandTransportOptions = {}) {
    this.#startCommand = startCommand;
    this.#closeGraceMs = options.closeGraceMs ?? defaultCloseGraceMs;
    this.#readBuffer = new ReadBuffer({ maxBufferSize: options.maxMessageBytes });
  }

  /** How the command ended (exit status, signal or failure), once it has; for logs. */
  get exit(): string | undefined {
    return this.#exit;
  }

  /** The end of what the command wrote to standard error, once it has ended; for logs. */
  get errorOutput(): string {
    return this.#errorOutput;
  }

  start(): Promise<void> {
    if (this.#command !== undefined || this.#isClosing) {
      return Promise.reject(new Error('The transport was already started'));
    }
    const command = this.#startCommand({
      onStdout: (chunk) => this.#receive(chunk),
      signal: this.#stop.signal,
    });
    this.#command = command;
    this.#ended = command.result.then(
      (result) => {
        this.#errorOutput = result.output.slice(-errorOutputKept);
        this.#end(describeExit(result));
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (!this.#isClosing) this.onerror?.(failure);
        this.#end(`failed: ${failure.message}`);
      },
    );
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    const command = this.#command;
    if (command === undefined || this.#hasEnded || this.#isClosing) {
      return Promise.reject(new Error('Not connected'));
    }
    if (!command.write(serializeMessage(message))) {
      return Promise.reject(new Error("The MCP server's standard input is closed"));
    }
    return Promise.resolve();
  }

  /**
   * Closes the server's input and waits up to the grace period for it to exit, then ends it (its
   * process group). Resolves once it has ended; `onclose` is called once. Idempotent.
   */
  async close(): Promise<void> {
    this.#isClosing = true;
    const command = this.#command;
    const ended = this.#ended;
    if (command === undefined || ended === undefined) {
      this.#end('closed before it started');
      return;
    }
    command.endInput();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#closeGraceMs);
    });
    await Promise.race([ended, graceOver]);
    clearTimeout(timer);
    if (!this.#hasEnded) this.#stop.abort(new Error('The MCP connection was closed'));
    await ended;
  }

  #receive(chunk: Buffer): void {
    if (this.#hasEnded) return;
    try {
      this.#readBuffer.append(chunk);
    } catch (error) {
      this.onerror?.(error as Error);
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.#readBuffer.readMessage();
      } catch (error) {
        // The bad line is already consumed; report it and read on.
        this.onerror?.(
          new Error(`The MCP server wrote a line that is not a JSON-RPC message`, { cause: error }),
        );
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  #end(exit: string): void {
    if (this.#hasEnded) return;
    this.#hasEnded = true;
    this.#exit = exit;
    this.#readBuffer.clear();
    this.onclose?.();
  }
}

function describeExit(result: RunResult): string {
  if (result.timedOut) return 'ended by the sandbox timeout';
  if (result.exitCode !== null) return `exited with status ${result.exitCode}`;
  return `ended by ${result.signal ?? 'a signal'}`;
}
