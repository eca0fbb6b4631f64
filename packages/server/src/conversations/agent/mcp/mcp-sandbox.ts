/**
 * The part of the runtime's `Sandbox` the MCP client needs: `start`, a long-lived command with
 * raw standard input and output (issue 14; `runtime/sandbox.ts` gains it as `Sandbox.start`,
 * `StartOptions` and `StartedCommand`, and a real sandbox then fits this type as it is).
 */
import type { RunResult } from '../../../runtime/sandbox.js';

/** What `start` takes (a subset of the runtime's `StartOptions`). */
export interface McpStartOptions {
  /** Ends the command (its whole process group); its `result` then rejects with `AbortedError`. */
  readonly signal?: AbortSignal;
  /** Per-command limit in ms; the sandbox's default when unset. */
  readonly timeoutMs?: number;
  /** Variables exported into the command's environment (nothing of the server's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Standard output as raw bytes; stdout is then not captured (stderr still is, capped). */
  readonly onStdout?: (chunk: Buffer) => void;
}

/** A command started in the sandbox that is still being talked to. */
export interface StartedCommand {
  /** Writes to stdin; false once the input is closed or the command has ended. */
  write(input: string | Uint8Array): boolean;
  /** Closes stdin (EOF). Idempotent. */
  endInput(): void;
  /** Settles as `Sandbox.run`'s promise does; every failure rejects it. */
  readonly result: Promise<RunResult>;
}

export interface McpSandbox {
  /** Starts `command` with `/bin/sh -c` in the workspace (created on first use). */
  start(workspaceId: string, command: string, options?: McpStartOptions): StartedCommand;
}
