/**
 * Files of a workspace, read and written INSIDE the sandbox by constant shell scripts
 * (`workspace-scripts.ts`), so links, `..`, `/proc/self/root` and hard links cannot reach the
 * host's files: inside bubblewrap they are not there. Paths are checked first
 * (`workspace-paths.ts`) and reach the scripts in the environment. With the unsandboxed runner the
 * scripts run on the host and their `realpath` checks are the only (weaker, racy) confinement.
 */
import { combineSignals } from '../shared/abort.js';
import { ParleyError, TimeoutError } from '../shared/errors.js';
import { sandboxWorkspaceDirectory } from './bubblewrap-arguments.js';
import { createZipWriter, type WorkspaceArchive } from './workspace-archive.js';
import { parseGitChanges, parseGitDiff, type GitChange, type GitDiff } from './workspace-git.js';
import { invalidPath, resolveWorkspacePath } from './workspace-paths.js';
import {
  archiveScript,
  gitChangesScript,
  gitDiffScript,
  listScript,
  readScript,
  refusalExitCode,
  writeScript,
} from './workspace-scripts.js';
import type { RunResult, Sandbox, Workspace } from './sandbox.js';

export type { GitChange, GitDiff } from './workspace-git.js';
export type { WorkspaceArchive } from './workspace-archive.js';

export interface WorkspaceFilesOptions {
  /** Default cap of `read`. Default 10 MiB. */
  readonly maxReadBytes?: number;
  /** Cap of `archive` (the workspace's files before compression). Default 256 MiB. */
  readonly maxArchiveBytes?: number;
  /** Most entries `list` returns. Default 10,000. */
  readonly maxListEntries?: number;
  /** Per operation. Default 60 s. */
  readonly timeoutMs?: number;
}

const mebibyte = 1024 * 1024;
/** Upstream's `git_diff.py` refuses files over 1 MB. */
const maxDiffBytes = 1 * mebibyte;
/** Names upstream's list-files leaves out (`FILES_TO_IGNORE`), here at every level. */
const ignoredNames = new Set(['.git', '.DS_Store', 'node_modules', '__pycache__']);

interface Collected {
  readonly stdout: Buffer;
  readonly result: RunResult;
}

export class WorkspaceFiles {
  readonly #sandbox: Sandbox;
  readonly #maxReadBytes: number;
  readonly #maxArchiveBytes: number;
  readonly #maxListEntries: number;
  readonly #timeoutMs: number;

  constructor(sandbox: Sandbox, options: WorkspaceFilesOptions = {}) {
    this.#sandbox = sandbox;
    this.#maxReadBytes = options.maxReadBytes ?? 10 * mebibyte;
    this.#maxArchiveBytes = options.maxArchiveBytes ?? 256 * mebibyte;
    this.#maxListEntries = options.maxListEntries ?? 10_000;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * Upstream's list-files: the entries of the directory `path` ('' for the workspace), each
   * joined to `path` as given, directories with a trailing `/` and first, each group sorted
   * case-insensitively; `.git`, `.DS_Store`, `node_modules` and `__pycache__` left out. A path
   * that does not exist or is no directory lists nothing.
   */
  async list(workspaceId: string, path = '', options: { signal?: AbortSignal } = {}) {
    const { workspace, target } = await this.#resolve(workspaceId, path, options.signal);
    const { stdout } = await this.#collect(workspace, listScript, path, {
      env: { PARLEY_PATH: target, PARLEY_MAX_ENTRIES: String(this.#maxListEntries) },
      signal: options.signal,
    });
    const directories: string[] = [];
    const files: string[] = [];
    for (const record of stdout.toString('utf8').split('\0')) {
      const type = record.charAt(0);
      const name = record.slice(2);
      if (record.length < 3 || ignoredNames.has(name) || type === 'N' || type === 'L') continue;
      if (type === 'd') directories.push(`${name}/`);
      else if (type !== '?') files.push(name);
    }
    const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
    return [...byLowerCase(directories), ...byLowerCase(files)].map((name) => prefix + name);
  }

  /** A regular file's bytes; `WORKSPACE_FILE_NOT_FOUND`, `…_TOO_LARGE` or `…_PATH_INVALID`. */
  async read(
    workspaceId: string,
    path: string,
    options: { maxBytes?: number; signal?: AbortSignal } = {},
  ): Promise<Buffer> {
    const maxBytes = options.maxBytes ?? this.#maxReadBytes;
    const { workspace, target } = await this.#resolve(workspaceId, path, options.signal);
    const { stdout } = await this.#collect(workspace, readScript, path, {
      env: { PARLEY_PATH: target, PARLEY_MAX_BYTES: String(maxBytes) },
      maxBytes,
      signal: options.signal,
    });
    return stdout;
  }

  /** Writes `data` to the file (created with its parent directories, or replaced). */
  async write(
    workspaceId: string,
    path: string,
    data: string | Uint8Array,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    const { workspace, target } = await this.#resolve(workspaceId, path, options.signal);
    await this.#collect(workspace, writeScript, path, {
      env: { PARLEY_PATH: target },
      stdin: data,
      signal: options.signal,
    });
  }

  /** The workspace as a zip (regular files and directories), refused past the archive cap. */
  async archive(
    workspaceId: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<WorkspaceArchive> {
    const { workspace } = await this.#resolve(workspaceId, '', options.signal);
    const zip = await createZipWriter();
    try {
      await this.#collect(workspace, archiveScript, '/workspace', {
        env: { PARLEY_MAX_BYTES: String(this.#maxArchiveBytes) },
        // The tar stream's headers and padding come on top of the files' sizes.
        maxBytes: this.#maxArchiveBytes * 2 + mebibyte,
        signal: options.signal,
        onStdout: (chunk) => zip.push(chunk),
        // GNU tar exits 1 when a file changed while it was read, 2 when one could not be read.
        acceptedExitCodes: [0, 1, 2],
      });
    } catch (error) {
      await zip.discard();
      throw error;
    }
    return zip.finish();
  }

  /** Upstream's git changes; `[]` when the workspace is no git repository (or git is missing). */
  async gitChanges(
    workspaceId: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<GitChange[]> {
    const { workspace } = await this.#resolve(workspaceId, '', options.signal);
    const { stdout } = await this.#collect(workspace, gitChangesScript, '/workspace', {
      maxBytes: 16 * mebibyte,
      signal: options.signal,
    });
    return parseGitChanges(stdout);
  }

  /** A file's text at its repository's base (`original`) and now (`modified`). */
  async gitDiff(
    workspaceId: string,
    path: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<GitDiff> {
    const { workspace, target } = await this.#resolve(workspaceId, path, options.signal);
    const { stdout } = await this.#collect(workspace, gitDiffScript, path, {
      env: { PARLEY_PATH: target, PARLEY_MAX_BYTES: String(maxDiffBytes) },
      maxBytes: 4 * maxDiffBytes,
      signal: options.signal,
    });
    return parseGitDiff(stdout);
  }

  async #resolve(workspaceId: string, path: string, signal: AbortSignal | undefined) {
    if (typeof path !== 'string') throw invalidPath('The path must be a string');
    // A relative path (or one under /workspace) is checked before the workspace is touched.
    if (!path.startsWith('/') || path.startsWith(sandboxWorkspaceDirectory)) {
      resolveWorkspacePath(sandboxWorkspaceDirectory, path);
    }
    const workspace = await this.#sandbox.ensureWorkspace(workspaceId, signal ? { signal } : {});
    return { workspace, target: resolveWorkspacePath(workspace.directory, path) };
  }

  /** Runs `script`, collecting raw stdout up to `maxBytes`; refusals become ParleyErrors. */
  async #collect(
    workspace: Workspace,
    script: string,
    path: string,
    options: {
      env?: Record<string, string>;
      stdin?: string | Uint8Array;
      maxBytes?: number;
      signal?: AbortSignal | undefined;
      onStdout?: (chunk: Buffer) => void;
      acceptedExitCodes?: readonly number[];
    },
  ): Promise<Collected> {
    const limit = options.maxBytes ?? 64 * mebibyte;
    const overflow = new AbortController();
    const chunks: Buffer[] = [];
    let bytes = 0;
    const started = this.#sandbox.start(workspace.id, script, {
      env: { ...options.env, PARLEY_ROOT: workspace.directory },
      timeoutMs: this.#timeoutMs,
      signal: combineSignals(options.signal, overflow.signal),
      onStdout: (chunk) => {
        bytes += chunk.length;
        if (bytes > limit) {
          overflow.abort(new Error('too much output'));
          return;
        }
        if (options.onStdout === undefined) chunks.push(chunk);
        else options.onStdout(chunk);
      },
    });
    if (options.stdin !== undefined) started.write(options.stdin);
    started.endInput();
    let result: RunResult;
    try {
      result = await started.result;
    } catch (error) {
      if (overflow.signal.aborted && options.signal?.aborted !== true) throw tooLarge(path, limit);
      throw error;
    }
    if (result.timedOut) throw new TimeoutError(this.#timeoutMs);
    const message = result.output.replaceAll(workspace.directory, sandboxWorkspaceDirectory);
    if (result.exitCode === refusalExitCode) throw refusal(message, path, limit);
    if (!(options.acceptedExitCodes ?? [0]).includes(result.exitCode ?? -1)) {
      throw new ParleyError(
        'WORKSPACE_OPERATION_FAILED',
        `The workspace operation failed (exit ${result.exitCode ?? result.signal}): ${message.trim()}`,
      );
    }
    return { stdout: Buffer.concat(chunks, Math.min(bytes, limit)), result };
  }
}

function refusal(output: string, path: string, limit: number): ParleyError {
  const reason = /parley-error:(\w+)/.exec(output)?.[1];
  const shown = path === '' ? 'The workspace' : path;
  switch (reason) {
    case 'not_found':
      return new ParleyError('WORKSPACE_FILE_NOT_FOUND', `No such file in the workspace: ${path}`);
    case 'outside':
      return invalidPath(`${shown} leads outside the workspace (through a link)`);
    case 'directory':
      return invalidPath(`${shown} is a directory, not a file`);
    case 'not_regular':
      return invalidPath(`${shown} is not a regular file`);
    case 'not_directory':
      return invalidPath(`A parent of ${shown} is not a directory`);
    case 'unreadable':
      return invalidPath(`${shown} is not readable`);
    case 'too_large':
      return tooLarge(path, limit);
    case 'no_repository':
      return new ParleyError('WORKSPACE_NOT_A_GIT_REPOSITORY', `${shown} is in no git repository`);
    default:
      return new ParleyError(
        'WORKSPACE_OPERATION_FAILED',
        `The workspace operation failed: ${output.replace(/parley-error:\w+\s*/, '').trim()}`,
      );
  }
}

function tooLarge(path: string, limit: number): ParleyError {
  const what = path === '/workspace' || path === '' ? 'The workspace' : path;
  return new ParleyError('WORKSPACE_FILE_TOO_LARGE', `${what} is larger than ${limit} bytes`);
}

function byLowerCase(names: string[]): string[] {
  const keyed = names.map((name) => ({ name, key: name.toLowerCase() }));
  keyed.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
  return keyed.map((entry) => entry.name);
}
