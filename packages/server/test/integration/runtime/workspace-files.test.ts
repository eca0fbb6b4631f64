/**
 * WorkspaceFiles on the real sandbox: every file operation runs inside it, so paths, `..`, links,
 * `/proc/self/root` and hard links cannot reach the host; upstream's list-files, git changes and
 * git diff semantics; the workspace as a zip. The unsandboxed runner gets the same answers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import type { Sandbox } from '../../../src/runtime/sandbox.js';
import { UnsandboxedRunner } from '../../../src/runtime/unsandboxed-runner.js';
import { WorkspaceFiles } from '../../../src/runtime/workspace-files.js';
import { bubblewrapAvailable, bubblewrapPath, temporaryRoot } from '../../support/bubblewrap.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const available = bubblewrapAvailable();
const { logger } = createCapturingLogger('silent');

const kinds = [
  ...(available
    ? [
        {
          name: 'bubblewrap',
          create: (workspaceRoot: string): Sandbox =>
            new BubblewrapSandbox({ workspaceRoot, bubblewrapPath, logger }),
        },
      ]
    : []),
  {
    name: 'unsandboxed',
    create: (workspaceRoot: string): Sandbox =>
      new UnsandboxedRunner({ workspaceRoot, acknowledgeNoIsolation: true, logger }),
  },
];

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { ...(code === undefined ? {} : { code }), message };
  }
  throw new Error('expected a rejection');
}

describe.each(kinds)('WorkspaceFiles ($name)', ({ create }) => {
  const temporary = temporaryRoot('workspace-files');
  const outside = join(temporary.root, 'outside');
  const canary = join(outside, 'canary.txt');
  let sandbox: Sandbox;
  let files: WorkspaceFiles;

  beforeAll(() => {
    mkdirSync(outside, { mode: 0o755 });
    writeFileSync(canary, 'host secret\n', { mode: 0o644 });
    sandbox = create(join(temporary.root, 'workspaces'));
    files = new WorkspaceFiles(sandbox, { maxReadBytes: 64 * 1024, maxArchiveBytes: 1024 * 1024 });
  });
  afterAll(async () => {
    await sandbox.close();
    temporary.remove();
  });

  it('writes and reads bytes (creating parent directories), relative or under /workspace', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    await files.write('rw', 'deep/er/blob.bin', bytes);
    expect((await files.read('rw', 'deep/er/blob.bin')).equals(bytes)).toBe(true);
    expect((await files.read('rw', '/workspace/deep/er/blob.bin')).equals(bytes)).toBe(true);
    await files.write('rw', '/workspace/note.txt', 'first');
    await files.write('rw', 'note.txt', 'second');
    expect((await files.read('rw', './deep/../note.txt')).toString()).toBe('second');
    await files.write('rw', 'empty.txt', '');
    expect((await files.read('rw', 'empty.txt')).length).toBe(0);
  });

  it('lists a directory as upstream does', async () => {
    for (const path of [
      'b.txt',
      'A.txt',
      'src/main.ts',
      'Docs/x',
      'lib/y',
      '.hidden',
      '.git/HEAD',
    ]) {
      await files.write('list', path, 'x');
    }
    await files.write('list', 'node_modules/dep/index.js', 'x');
    await sandbox.run('list', 'ln -s b.txt link-to-b; ln -s missing broken; ln -s src dir-link');
    expect(await files.list('list')).toEqual([
      'dir-link/',
      'Docs/',
      'lib/',
      'src/',
      '.hidden',
      'A.txt',
      'b.txt',
      'link-to-b',
    ]);
    expect(await files.list('list', 'src')).toEqual(['src/main.ts']);
    expect(await files.list('list', 'src/')).toEqual(['src/main.ts']);
    expect(await files.list('list', '/workspace/lib')).toEqual(['/workspace/lib/y']);
    expect(await files.list('list', 'missing')).toEqual([]);
    expect(await files.list('list', 'b.txt')).toEqual([]);
  });

  it('answers missing, directory and too-large files with clear errors', async () => {
    await files.write('errors', 'dir/file.txt', 'x');
    await files.write('errors', 'big.bin', Buffer.alloc(64 * 1024 + 1));
    expect(await failure(files.read('errors', 'nope.txt'))).toMatchObject({
      code: 'WORKSPACE_FILE_NOT_FOUND',
    });
    expect(await failure(files.read('errors', 'dir'))).toMatchObject({
      code: 'WORKSPACE_PATH_INVALID',
      message: 'dir is a directory, not a file',
    });
    expect(await failure(files.read('errors', 'big.bin'))).toMatchObject({
      code: 'WORKSPACE_FILE_TOO_LARGE',
    });
    expect((await files.read('errors', 'big.bin', { maxBytes: 70_000 })).length).toBe(65_537);
    expect(await failure(files.write('errors', 'dir', 'x'))).toMatchObject({
      code: 'WORKSPACE_PATH_INVALID',
    });
    expect(await failure(files.write('errors', 'dir/file.txt/under', 'x'))).toMatchObject({
      code: 'WORKSPACE_PATH_INVALID',
      message: 'A parent of dir/file.txt/under is not a directory',
    });
  });

  it('never reaches the host: .., absolute paths, links, /proc/self/root, hard links, NUL', async () => {
    const attempts = [
      `../../outside/canary.txt`,
      '..',
      canary,
      '/etc/passwd',
      '/proc/self/root/etc/passwd',
      `/proc/self/root${canary}`,
      '/workspace/../etc/passwd',
      'a\0b',
    ];
    for (const path of attempts) {
      const read = await failure(files.read('escape', path));
      expect(read.code, path).toBe('WORKSPACE_PATH_INVALID');
      expect(read.message).not.toContain('host secret');
      expect((await failure(files.write('escape', path, 'pwned'))).code, path).toBe(
        'WORKSPACE_PATH_INVALID',
      );
      expect((await failure(files.list('escape', path))).code, path).toBe('WORKSPACE_PATH_INVALID');
    }
    await sandbox.run(
      'escape',
      `ln -s /etc/passwd passwd-link; ln -s ${canary} canary-link; ln -s /proc/self/root/etc etc-link; ` +
        `ln -s / root-link; ln /etc/passwd hard-passwd; ln ${canary} hard-canary; true`,
    );
    for (const path of ['passwd-link', 'etc-link/passwd', 'root-link/etc/passwd']) {
      const read = await failure(files.read('escape', path));
      expect(read.code, path).toBe('WORKSPACE_PATH_INVALID');
      expect(read.message).toContain('leads outside the workspace');
      expect((await failure(files.write('escape', path, 'pwned'))).code, path).toBe(
        'WORKSPACE_PATH_INVALID',
      );
    }
    // A link to a host file: inside bubblewrap its target does not even exist.
    const viaLink = await failure(files.read('escape', 'canary-link'));
    expect(['WORKSPACE_PATH_INVALID', 'WORKSPACE_FILE_NOT_FOUND']).toContain(viaLink.code);
    expect(viaLink.message).not.toContain('host secret');
    expect((await failure(files.write('escape', 'canary-link', 'pwned'))).code).toBe(
      'WORKSPACE_PATH_INVALID',
    );
    expect((await failure(files.list('escape', 'root-link'))).code).toBe('WORKSPACE_PATH_INVALID');
    // Hard links across the mount (bubblewrap) or to someone else's file (protected_hardlinks)
    // are refused by the kernel, so there is nothing to read.
    for (const path of ['hard-passwd', 'hard-canary']) {
      expect((await failure(files.read('escape', path))).code, path).toBe(
        'WORKSPACE_FILE_NOT_FOUND',
      );
    }
    expect(readFileSync(canary, 'utf8')).toBe('host secret\n');
  });

  it('never takes a repository above the workspace for its own', async () => {
    await files.write('under-repo', 'a.txt', 'a');
    execFileSync('git', ['init', '-q', join(temporary.root, 'workspaces')]);
    expect(await files.gitChanges('under-repo')).toEqual([]);
    expect(await failure(files.gitDiff('under-repo', 'a.txt'))).toMatchObject({
      code: 'WORKSPACE_NOT_A_GIT_REPOSITORY',
    });
  });

  it('stops when its caller aborts', async () => {
    await files.write('aborted', 'a.txt', 'a');
    const signal = AbortSignal.abort(new Error('gone'));
    for (const operation of [
      files.read('aborted', 'a.txt', { signal }),
      files.write('aborted', 'b.txt', 'b', { signal }),
      files.list('aborted', '', { signal }),
      files.archive('aborted', { signal }),
    ]) {
      expect(await failure(operation)).toMatchObject({ code: 'OPERATION_ABORTED' });
    }
    expect(await files.list('aborted')).toEqual(['a.txt']);
  });

  it('zips the workspace: files and directories, not links', async () => {
    await files.write('zip', 'hello.txt', 'hello\n');
    await files.write('zip', 'sub/data.bin', Buffer.from([0, 1, 2, 255]));
    await sandbox.run('zip', `mkdir empty; ln -s /etc/passwd link; chmod 755 hello.txt`);
    const archive = await files.archive('zip');
    const bytes = await buffer(archive.stream);
    expect(bytes.length).toBe(archive.size);
    const entries = unzipSync(bytes);
    expect(Object.keys(entries).sort()).toEqual(['empty/', 'hello.txt', 'sub/', 'sub/data.bin']);
    expect(Buffer.from(entries['hello.txt'] as Uint8Array).toString()).toBe('hello\n');
    expect([...(entries['sub/data.bin'] as Uint8Array)]).toEqual([0, 1, 2, 255]);
  });

  it('refuses to zip a workspace over the archive cap', async () => {
    await sandbox.run('zip-big', 'head -c 2000000 /dev/zero > big.bin');
    expect(await failure(files.archive('zip-big'))).toMatchObject({
      code: 'WORKSPACE_FILE_TOO_LARGE',
    });
  });

  it('reports git changes with upstream letters, and [] without a repository', async () => {
    await files.write('git', 'plain.txt', 'x');
    expect(await files.gitChanges('git')).toEqual([]);
    const setup = [
      'git init -q -b main .',
      'git config user.email a@b.c && git config user.name t',
      'printf "one\\ntwo\\n" > kept.txt && echo gone > gone.txt && echo same > same.txt',
      'git add kept.txt gone.txt same.txt && git commit -qm base',
      'printf "one\\nthree\\n" > kept.txt && rm gone.txt && echo new > "new file.txt"',
      'mkdir nested && cd nested && git init -q -b main . && echo n > n.txt',
    ].join(' && ');
    expect((await sandbox.run('git', setup)).exitCode).toBe(0);
    expect(await files.gitChanges('git')).toEqual([
      { status: 'D', path: 'gone.txt' },
      { status: 'M', path: 'kept.txt' },
      { status: 'A', path: 'nested/n.txt' },
      { status: 'A', path: 'new file.txt' },
      { status: 'A', path: 'plain.txt' },
    ]);
    expect(await files.gitDiff('git', 'kept.txt')).toEqual({
      original: 'one\ntwo',
      modified: 'one\nthree',
    });
    expect(await files.gitDiff('git', 'gone.txt')).toEqual({ original: 'gone', modified: '' });
    expect(await files.gitDiff('git', 'new file.txt')).toEqual({ original: '', modified: 'new' });
    expect(await failure(files.gitDiff('git', '../x'))).toMatchObject({
      code: 'WORKSPACE_PATH_INVALID',
    });
    await files.write('not-git', 'a.txt', 'a');
    expect(await failure(files.gitDiff('not-git', 'a.txt'))).toMatchObject({
      code: 'WORKSPACE_NOT_A_GIT_REPOSITORY',
    });
  });
});
