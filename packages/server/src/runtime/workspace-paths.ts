/**
 * The paths callers give `WorkspaceFiles`, checked before anything runs: relative to the
 * workspace, or absolute under it (`/workspace/…`, or the directory the sandbox reports, which is
 * the same inside bubblewrap); no NUL; nothing that leaves the workspace once `.` and `..` are
 * resolved. Links are resolved later, inside the sandbox, by the command itself.
 */
import { posix } from 'node:path';
import { ParleyError } from '../shared/errors.js';
import { sandboxWorkspaceDirectory } from './bubblewrap-arguments.js';

/** Longest path accepted (Linux's PATH_MAX). */
export const maximumPathLength = 4096;

/**
 * The absolute path of `path` in a workspace whose commands see it at `directory`; throws
 * `WORKSPACE_PATH_INVALID` for anything outside it. `''` and `.` are the workspace itself.
 */
export function resolveWorkspacePath(directory: string, path: string): string {
  if (typeof path !== 'string') throw invalidPath('The path must be a string');
  if (path.includes('\0')) throw invalidPath('The path contains a NUL character');
  if (path.length > maximumPathLength) {
    throw invalidPath(`The path is longer than ${maximumPathLength} characters`);
  }
  const relative = relativePart(directory, path);
  const resolved = posix.normalize(posix.join(directory, relative));
  const withoutSlash =
    resolved.length > 1 && resolved.endsWith('/') ? resolved.slice(0, -1) : resolved;
  if (withoutSlash !== directory && !withoutSlash.startsWith(`${directory}/`)) {
    throw invalidPath(`${path} is outside the workspace`);
  }
  return withoutSlash;
}

function relativePart(directory: string, path: string): string {
  if (!path.startsWith('/')) return path;
  for (const prefix of [sandboxWorkspaceDirectory, directory]) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return `.${path.slice(prefix.length)}`;
  }
  throw invalidPath(`${path} is outside the workspace (absolute paths must be under /workspace)`);
}

export function invalidPath(message: string): ParleyError {
  return new ParleyError('WORKSPACE_PATH_INVALID', message);
}
