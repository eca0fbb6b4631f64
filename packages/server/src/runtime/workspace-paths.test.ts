import { describe, expect, it } from 'vitest';
import { safeName } from './workspace-archive.js';
import { joinedLines, parseGitChanges, parseGitDiff } from './workspace-git.js';
import { resolveWorkspacePath } from './workspace-paths.js';

describe('resolveWorkspacePath', () => {
  it('resolves relative paths and absolute ones under /workspace', () => {
    expect(resolveWorkspacePath('/workspace', '')).toBe('/workspace');
    expect(resolveWorkspacePath('/workspace', '.')).toBe('/workspace');
    expect(resolveWorkspacePath('/workspace', 'a/b/')).toBe('/workspace/a/b');
    expect(resolveWorkspacePath('/workspace', 'a/../b')).toBe('/workspace/b');
    expect(resolveWorkspacePath('/workspace', '/workspace/a')).toBe('/workspace/a');
    expect(resolveWorkspacePath('/workspace', '-rf')).toBe('/workspace/-rf');
  });

  it('maps /workspace onto a host directory (the unsandboxed runner) and accepts that directory', () => {
    expect(resolveWorkspacePath('/data/w/abc', '/workspace/x')).toBe('/data/w/abc/x');
    expect(resolveWorkspacePath('/data/w/abc', '/data/w/abc/x')).toBe('/data/w/abc/x');
    expect(resolveWorkspacePath('/data/w/abc', 'x')).toBe('/data/w/abc/x');
  });

  it('refuses what leaves the workspace, NUL and overlong paths', () => {
    for (const path of [
      '..',
      '../x',
      'a/../../x',
      '/etc/passwd',
      '/workspace/../etc',
      '/workspaces/x',
      'a\0b',
      'x'.repeat(4097),
    ]) {
      expect(() => resolveWorkspacePath('/workspace', path), path).toThrow(
        expect.objectContaining({ code: 'WORKSPACE_PATH_INVALID' }),
      );
    }
    expect(() => resolveWorkspacePath('/data/w/abc', '/data/w/abd/x')).toThrow(/outside/);
  });
});

describe('archive entry names', () => {
  it('keeps relative names and drops the root, absolute names and .. parts', () => {
    expect(safeName('./a/b.txt')).toBe('a/b.txt');
    expect(safeName('./dir/')).toBe('dir');
    expect(safeName('./')).toBeUndefined();
    expect(safeName('.')).toBeUndefined();
    expect(safeName('/etc/passwd')).toBeUndefined();
    expect(safeName('./a/../../x')).toBeUndefined();
  });
});

describe('git output', () => {
  it('reads changes, prefixes nested repositories and drops what the outer one sees of them', () => {
    const output = Buffer.from(
      [
        '@repo',
        '',
        'M',
        'a.txt',
        'T',
        'link',
        'A',
        'nested/',
        'A',
        'z\nnew',
        '@repo',
        'nested',
        'D',
        'old.txt',
        '',
      ].join('\0'),
    );
    expect(parseGitChanges(output)).toEqual([
      { status: 'M', path: 'a.txt' },
      { status: 'M', path: 'link' },
      { status: 'D', path: 'nested/old.txt' },
      { status: 'A', path: 'z\nnew' },
    ]);
    expect(parseGitChanges(Buffer.alloc(0))).toEqual([]);
  });

  it('reads a diff: the original by its size, then the modified file', () => {
    expect(parseGitDiff(Buffer.from('4\nold\nnew\r\nlines\n'))).toEqual({
      original: 'old',
      modified: 'new\nlines',
    });
    expect(parseGitDiff(Buffer.from('-1\nonly new'))).toEqual({
      original: '',
      modified: 'only new',
    });
    expect(joinedLines(Buffer.from('a\rb\u2028c\n\n'))).toBe('a\nb\nc\n');
  });
});
