/**
 * The generated part of the sandbox's /etc: users and groups that name only root, the sandbox
 * user and nobody (no host accounts, no password hashes), localhost, and files-only name lookup.
 */
import { lstat, mkdir, readlink, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generatedEtcFiles, sandboxInsideId, type SystemEntry } from './bubblewrap-arguments.js';

const id = sandboxInsideId;

export const minimalEtcFiles: Readonly<Record<string, string>> = {
  passwd:
    'root:x:0:0:root:/root:/usr/sbin/nologin\n' +
    `sandbox:x:${id}:${id}:sandbox:/workspace:/bin/sh\n` +
    'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  group: `root:x:0:\nsandbox:x:${id}:\nnogroup:x:65534:\n`,
  hosts: '127.0.0.1\tlocalhost sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  'nsswitch.conf': 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n',
};

/**
 * Writes the files into `directory` (0755, files 0644, each replaced atomically so processes
 * sharing the directory never read half a file).
 */
export async function writeMinimalEtc(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o755 });
  for (const name of generatedEtcFiles) {
    const content = minimalEtcFiles[name] ?? '';
    const temporary = join(directory, `.${name}.${process.pid}.tmp`);
    await writeFile(temporary, content, { mode: 0o644 });
    await rename(temporary, join(directory, name));
  }
}

/** The host's `/usr` and top-level library and binary entries, as bind or symlink. */
export async function readSystemEntries(): Promise<SystemEntry[]> {
  const entries: SystemEntry[] = [];
  for (const path of ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    try {
      const stats = await lstat(path);
      if (stats.isSymbolicLink())
        entries.push({ kind: 'symlink', path, target: await readlink(path) });
      else if (stats.isDirectory()) entries.push({ kind: 'directory', path });
    } catch {
      // Absent on this host.
    }
  }
  return entries;
}
