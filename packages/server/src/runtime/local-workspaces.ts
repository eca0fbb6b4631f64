/**
 * Workspace directories on this host: `<root>/<id>`, created on first use (mode 0700, owned by
 * the user commands run as, so they can write it and nobody else can read it), removed on demand.
 * Ids are checked before they touch a path, and nothing here follows a link a command made.
 */
import { chmod, chown, lstat, mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { throwIfAborted } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { SandboxUser } from './sandbox-user.js';

export const maximumWorkspaceIdLength = 128;
const workspaceIdPattern = /^[A-Za-z0-9_-]+$/;

/**
 * Returns `workspaceId` when it is 1–128 characters of `A-Z a-z 0-9 _ -` (so no `.`, `/`, `\`,
 * NUL or anything else a path could be tricked with), else throws `WORKSPACE_ID_INVALID`.
 */
export function validateWorkspaceId(workspaceId: string): string {
  if (
    typeof workspaceId !== 'string' ||
    workspaceId.length === 0 ||
    workspaceId.length > maximumWorkspaceIdLength ||
    !workspaceIdPattern.test(workspaceId)
  ) {
    throw new ParleyError(
      'WORKSPACE_ID_INVALID',
      `Workspace id must be 1-${maximumWorkspaceIdLength} characters of A-Z a-z 0-9 _ -`,
    );
  }
  return workspaceId;
}

export class LocalWorkspaces {
  readonly root: string;
  readonly #owner: SandboxUser | undefined;

  /** `owner`: who commands run as, when Parley runs as root; `undefined` leaves files as ours. */
  constructor(root: string, owner: SandboxUser | undefined) {
    this.root = resolve(root);
    this.#owner = owner;
  }

  /** The host path of a workspace (validated id; the directory may not exist yet). */
  pathOf(workspaceId: string): string {
    return join(this.root, validateWorkspaceId(workspaceId));
  }

  /** Creates the root and the workspace if missing and returns the workspace's host path. */
  async ensure(workspaceId: string, signal?: AbortSignal): Promise<string> {
    const path = this.pathOf(workspaceId);
    throwIfAborted(signal);
    // The root must be traversable (not listable) by the sandbox user.
    await mkdir(this.root, { recursive: true, mode: 0o711 });
    try {
      await mkdir(path, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stats = await lstat(path);
    if (!stats.isDirectory()) {
      throw new ParleyError('SANDBOX_START_FAILED', `Workspace ${workspaceId} is not a directory`);
    }
    if (this.#owner !== undefined && stats.uid !== this.#owner.uid) {
      await chown(path, this.#owner.uid, this.#owner.gid);
    }
    return path;
  }

  /** Deletes the workspace and everything in it; links inside are removed, never followed. */
  async remove(workspaceId: string): Promise<void> {
    await rm(this.pathOf(workspaceId), { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * Lets other users (the sandbox user) pass through `directory` without listing it, so a
 * workspace root inside Parley's private data directory is reachable: adds the execute bits for
 * group and others (0700 → 0711), or creates the directory so. Files in it keep their own modes.
 */
export async function allowTraversal(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o711 });
  const stats = await stat(directory);
  if ((stats.mode & 0o011) !== 0o011) await chmod(directory, (stats.mode & 0o7777) | 0o011);
}
