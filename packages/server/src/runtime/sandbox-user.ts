/**
 * Who commands run as on the host. Never root: inside a user namespace the sandbox's uid maps to
 * whoever started bubblewrap, so a sandbox started by root is root on the host's files (it could
 * read `/etc/shadow` through any bind). When Parley runs as root it therefore starts every
 * command as an unprivileged user (65534, `nobody`, by default); otherwise as itself.
 */
import { ParleyError } from '../shared/errors.js';

export interface SandboxUser {
  readonly uid: number;
  readonly gid: number;
}

export const defaultSandboxUser: SandboxUser = Object.freeze({ uid: 65534, gid: 65534 });

/**
 * The user to spawn commands as: `requested` (default 65534:65534) when this process is root,
 * `undefined` (spawn as ourselves, who are not root) otherwise. Refuses uid or gid 0.
 */
export function resolveSandboxUser(
  requested: SandboxUser = defaultSandboxUser,
  processUid: number = currentUid(),
): SandboxUser | undefined {
  if (!isUnprivilegedId(requested.uid) || !isUnprivilegedId(requested.gid)) {
    throw new ParleyError(
      'CONFIG_INVALID',
      `The sandbox user must be an unprivileged uid:gid, got ${requested.uid}:${requested.gid}`,
    );
  }
  return processUid === 0 ? requested : undefined;
}

function isUnprivilegedId(id: number): boolean {
  return Number.isInteger(id) && id > 0 && id < 2 ** 32 - 1;
}

function currentUid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : -1;
}
