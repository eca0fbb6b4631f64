/**
 * The seam between Parley and whatever runs commands: a workspace per conversation and one-shot
 * shell commands inside it. `BubblewrapSandbox` implements it on this host; `UnsandboxedRunner`
 * only when the operator asks for no isolation. A remote sandbox service would implement the same
 * interface over the network (see README.md).
 */

/** How a command runs. Every field is optional. */
export interface RunOptions {
  /**
   * The directory to run in: relative to the workspace, or absolute under the workspace as
   * commands see it (`Workspace.directory`). Default: the workspace itself. Never outside it.
   */
  readonly cwd?: string;
  /** Ends the command (its whole process group) and rejects the run with `AbortedError`. */
  readonly signal?: AbortSignal;
  /** Per-command limit in ms; the sandbox's default when unset. A timeout resolves with `timedOut`. */
  readonly timeoutMs?: number;
  /**
   * Output as it arrives (standard output and error together, in order), up to the output cap,
   * then one truncation notice. Called synchronously from the stream; keep it quick.
   */
  readonly onOutput?: (chunk: string) => void;
  /**
   * Variables exported into the command's environment, on top of the minimal one (`PATH`,
   * `HOME`, `LANG`). Nothing of the server's environment is ever passed on.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the command's standard input, which is then closed. Default: empty input. */
  readonly stdin?: string | Uint8Array;
}

/** How a command started with `Sandbox.start` runs: `RunOptions` without `stdin`, plus raw stdout. */
export interface StartOptions extends Omit<RunOptions, 'stdin'> {
  /**
   * Standard output as raw bytes; when set, stdout is neither captured nor passed to onOutput
   * (stderr still is, within the cap). Called synchronously from the stream; keep it quick.
   */
  readonly onStdout?: (chunk: Buffer) => void;
}

/** A command started with `Sandbox.start`: its standard input stays open until `endInput`. */
export interface StartedCommand {
  /**
   * Writes to stdin (queued until the process has started); false once the input is closed or
   * the command has ended. A command that stops reading is no error: the rest is dropped.
   */
  write(input: string | Uint8Array): boolean;
  /** Closes stdin (EOF). Idempotent. */
  endInput(): void;
  /** Settles as run()'s promise does; every failure rejects it. Always await or catch it. */
  readonly result: Promise<RunResult>;
}

/** What a finished (or timed-out) command left. */
export interface RunResult {
  /** The command's exit status; `null` when it was ended by a signal. */
  readonly exitCode: number | null;
  /** The signal that ended the sandbox's top process (a timeout's kill, for example), else `null`. */
  readonly signal: NodeJS.Signals | null;
  /**
   * Standard output and error together (only standard error when `StartOptions.onStdout` took
   * standard output); when `truncated`, the head, a notice and the tail.
   */
  readonly output: string;
  /** True when the output exceeded the cap and its middle was dropped. */
  readonly truncated: boolean;
  /** True when the per-command timeout ended the command. */
  readonly timedOut: boolean;
}

/** A conversation's workspace. */
export interface Workspace {
  readonly id: string;
  /** The workspace's path as commands see it (`/workspace` inside bubblewrap). */
  readonly directory: string;
}

export interface Sandbox {
  /** `bubblewrap`, `unsandboxed`, or a remote implementation's name; for logs and health. */
  readonly kind: string;
  /** Creates the workspace if it does not exist yet; idempotent. */
  ensureWorkspace(workspaceId: string, options?: { signal?: AbortSignal }): Promise<Workspace>;
  /** Ends the workspace's running commands, then deletes it; a missing workspace is no error. */
  removeWorkspace(workspaceId: string): Promise<void>;
  /**
   * Runs `command` with `/bin/sh -c` in the workspace (created on first use). Resolves when the
   * command and everything it started have ended; rejects with `AbortedError` when aborted,
   * `SANDBOX_UNAVAILABLE` when commands cannot run here, `SANDBOX_COMMAND_INVALID` for bad
   * options and `WORKSPACE_ID_INVALID` for a bad id.
   */
  run(workspaceId: string, command: string, options?: RunOptions): Promise<RunResult>;
  /**
   * Starts `command` as `run` does, with standard input left open for `write` until `endInput`.
   * Tracked like `run`'s commands: the workspace's removal, `close` and the signal end it. Never
   * throws: every failure (validation included) rejects `result`.
   */
  start(workspaceId: string, command: string, options?: StartOptions): StartedCommand;
  /** Ends every running command and refuses new ones. Idempotent. */
  close(): Promise<void>;
}

/** Limits on each command. Defaults in `defaultSandboxLimits`. */
export interface SandboxLimits {
  /** CPU seconds per process (RLIMIT_CPU). */
  readonly cpuSeconds: number;
  /** Address space per process in bytes (RLIMIT_AS). */
  readonly memoryBytes: number;
  /** Processes of the sandbox user (RLIMIT_NPROC). */
  readonly processes: number;
  /** Largest file a command may write, in bytes (RLIMIT_FSIZE). */
  readonly fileSizeBytes: number;
  /** Open files per process (RLIMIT_NOFILE). */
  readonly openFiles: number;
  /** Size of the private `/tmp` (bubblewrap only). */
  readonly tmpBytes: number;
  /** Output kept in memory per command; more is dropped from the middle. */
  readonly outputBytes: number;
  /** Per-command timeout in ms, unless `RunOptions.timeoutMs` says otherwise. */
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL when a command is stopped, in ms. */
  readonly killGraceMs: number;
}

const mebibyte = 1024 * 1024;

export const defaultSandboxLimits: SandboxLimits = Object.freeze({
  cpuSeconds: 300,
  memoryBytes: 4096 * mebibyte,
  processes: 512,
  fileSizeBytes: 1024 * mebibyte,
  openFiles: 1024,
  tmpBytes: 512 * mebibyte,
  outputBytes: 1 * mebibyte,
  timeoutMs: 120_000,
  killGraceMs: 2_000,
});
