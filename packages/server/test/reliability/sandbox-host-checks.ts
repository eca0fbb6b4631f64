/**
 * What R16 checks on the host side of the sandbox: files unchanged (by hash), directory listings
 * without anything new, no secret in a place a user or operator sees, no process left over, and
 * the frames the V1 face delivered.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { processesOf, processesWith } from '../support/bubblewrap.js';
import type { BoundCheck } from './scenario.js';

/** A workspace directory's name: the SHA-256 hex of a conversation id. */
const workspaceName = /^[0-9a-f]{64}$/;

export interface HostSnapshot {
  /** SHA-256 of each file, or `missing`. */
  readonly files: Record<string, string>;
  /** The data directory's entries and the workspaces root's (workspaces and the database left out). */
  readonly listing: readonly string[];
  compare(other: HostSnapshot, name: string): BoundCheck[];
}

export function hostSnapshot(dataDirectory: string, paths: readonly string[]): HostSnapshot {
  const files: Record<string, string> = {};
  for (const path of paths) {
    files[path] = existsSync(path)
      ? createHash('sha256').update(readFileSync(path)).digest('hex')
      : 'missing';
  }
  const listing = [
    ...readdirSync(dataDirectory).filter((name) => !name.startsWith('parley.db')),
    ...readdirSafe(join(dataDirectory, 'workspaces'))
      .names.filter((name) => !workspaceName.test(name))
      .map((name) => `workspaces/${name}`),
  ].sort();
  return {
    files,
    listing,
    compare(other, name) {
      const changed = Object.keys(files).filter((path) => files[path] !== other.files[path]);
      const added = other.listing.filter((entry) => !listing.includes(entry));
      const removed = listing.filter((entry) => !other.listing.includes(entry));
      const problems = [
        ...changed.map((path) => `changed: ${path}`),
        ...added.map((entry) => `new: ${entry}`),
        ...removed.map((entry) => `gone: ${entry}`),
      ];
      return [
        {
          name,
          pass: problems.length === 0,
          detail:
            problems.length === 0
              ? `${Object.keys(files).length} files, ${listing.length} entries`
              : problems.join('; '),
        },
      ];
    },
  };
}

/**
 * A directory's entries (none when it does not exist) and their sizes, read now (the directory may
 * be gone when they are looked at); `size` is 0 for a name that was not there.
 */
export function readdirSafe(directory: string): { names: string[]; size(name: string): number } {
  const names = existsSync(directory) ? readdirSync(directory).sort() : [];
  const sizes = new Map(names.map((name) => [name, lstatSync(join(directory, name)).size]));
  return { names, size: (name) => sizes.get(name) ?? 0 };
}

export function existsOnHost(path: string): boolean {
  return existsSync(path);
}

/** One bound per place: none of `secrets` appears in its text. */
export function leakCheck(
  secrets: Readonly<Record<string, string>>,
  places: Readonly<Record<string, string>>,
): BoundCheck[] {
  return Object.entries(places).map(([place, text]) => {
    const leaked = Object.entries(secrets)
      .filter(([, value]) => value !== '' && text.includes(value))
      .map(([name]) => name);
    return {
      name: `no canary or secret in ${place}`,
      pass: leaked.length === 0,
      detail:
        leaked.length === 0 ? `${text.length} characters checked` : `leaked: ${leaked.join(', ')}`,
    };
  });
}

/**
 * Waits until no host process has `token` in its command line (a string) or runs as that uid (a
 * number); false when some are still there after `timeoutMs`.
 */
export async function processesGone(token: string | number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = typeof token === 'number' ? processesOf(token) : processesWith(token);
    if (found.length === 0) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/** Every frame a V1 watcher of the conversation receives (deltas included), as text. */
export function watchV1Frames(
  baseUrl: string,
  conversationId: string,
  sessionApiKey: string,
  frames: string[],
): () => void {
  const url = new URL(`/sockets/events/${encodeURIComponent(conversationId)}`, baseUrl);
  url.protocol = 'ws:';
  url.searchParams.set('resend_all', 'true');
  url.searchParams.set('stream', 'true');
  url.searchParams.set('session_api_key', sessionApiKey);
  const webSocket = new WebSocket(url);
  webSocket.on('message', (data) => frames.push(String(data)));
  return () => webSocket.terminate();
}
