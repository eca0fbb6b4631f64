import { describe, expect, it } from 'vitest';
import { diffLines, parseUnifiedDiff, splitLines, type DiffLine } from './line-diff';

const kinds = (lines: readonly DiffLine[]) =>
  lines.map((line) => `${line.kind[0]}${line.kind === 'hunk' ? line.text : ` ${line.text}`}`);

describe('parseUnifiedDiff', () => {
  it('reads hunks, added, removed and context lines, dropping the file headers', () => {
    const diff = [
      '--- /workspace/a.txt',
      '+++ /workspace/a.txt',
      '@@ -1,3 +1,3 @@',
      ' one',
      '-two',
      '+TWO',
      ' three',
      '\\ No newline at end of file',
      '',
    ].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual([
      { kind: 'hunk', text: '@@ -1,3 +1,3 @@' },
      { kind: 'context', text: 'one' },
      { kind: 'removed', text: 'two' },
      { kind: 'added', text: 'TWO' },
      { kind: 'context', text: 'three' },
      { kind: 'note', text: '\\ No newline at end of file' },
    ]);
  });

  it('skips the headers the diff library writes, and reads a removed "-- x" line as removed', () => {
    const diff = [
      'Index: /workspace/q.sql',
      '===================================================================',
      '--- /workspace/q.sql',
      '+++ /workspace/q.sql',
      '@@ -1,2 +1,2 @@',
      '--- old comment',
      '+++ new comment',
      ' select 1;',
      '',
    ].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual([
      { kind: 'hunk', text: '@@ -1,2 +1,2 @@' },
      { kind: 'removed', text: '-- old comment' },
      { kind: 'added', text: '++ new comment' },
      { kind: 'context', text: 'select 1;' },
    ]);
  });

  it('reads several hunks, and a one-line range without a count', () => {
    const diff = ['@@ -1 +1 @@', '-a', '+b', '@@ -10,2 +10,1 @@', ' c', '-d', ''].join('\n');
    expect(parseUnifiedDiff(diff).map((line) => line.kind)).toEqual([
      'hunk',
      'removed',
      'added',
      'hunk',
      'context',
      'removed',
    ]);
  });

  it('reads an empty diff as no lines', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});

describe('splitLines', () => {
  it('does not make a final newline an extra empty line', () => {
    expect(splitLines('a\nb\n')).toEqual(['a', 'b']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
    expect(splitLines('')).toEqual([]);
  });
});

describe('diffLines', () => {
  it('is empty for equal contents', () => {
    expect(diffLines('a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('a created file is every line added', () => {
    expect(kinds(diffLines('', 'hello\nworld\n'))).toEqual([
      'h@@ -0,0 +1,2 @@',
      'a hello',
      'a world',
    ]);
  });

  it('a replaced line shows as removed then added, with context around it', () => {
    const before = 'one\ntwo\nthree\nfour\nfive\n';
    const after = 'one\ntwo\nTHREE\nfour\nfive\n';
    expect(kinds(diffLines(before, after, { context: 1 }))).toEqual([
      'h@@ -2,3 +2,3 @@',
      'c two',
      'r three',
      'a THREE',
      'c four',
    ]);
  });

  it('an insertion in the middle keeps the lines around it as context', () => {
    expect(kinds(diffLines('a\nb\nc\n', 'a\nb\nnew\nc\n'))).toEqual([
      'h@@ -1,3 +1,4 @@',
      'c a',
      'c b',
      'a new',
      'c c',
    ]);
  });

  it('changes far apart make separate hunks; close ones share one', () => {
    const before = Array.from({ length: 20 }, (_, index) => `line ${index}`).join('\n');
    const lines = before.split('\n');
    lines[1] = 'changed 1';
    lines[18] = 'changed 18';
    const far = diffLines(before, lines.join('\n'), { context: 2 });
    expect(far.filter((line) => line.kind === 'hunk').map((line) => line.text)).toEqual([
      '@@ -1,4 +1,4 @@',
      '@@ -17,4 +17,4 @@',
    ]);
    lines[18] = 'line 18';
    lines[4] = 'changed 4';
    const near = diffLines(before, lines.join('\n'), { context: 2 });
    expect(near.filter((line) => line.kind === 'hunk')).toHaveLength(1);
  });

  it('a removed file is every line removed', () => {
    expect(kinds(diffLines('x\ny\n', ''))).toEqual(['h@@ -1,2 +0,0 @@', 'r x', 'r y']);
  });

  it('past the edit bound it shows the whole file replaced, still correct', () => {
    const before = 'a\nb\nc\n';
    const after = 'x\ny\nz\n';
    expect(kinds(diffLines(before, after, { maxEdits: 2 }))).toEqual([
      'h@@ -1,3 +1,3 @@',
      'r a',
      'r b',
      'r c',
      'a x',
      'a y',
      'a z',
    ]);
  });

  it('agrees with the contents: context and removed lines rebuild the old, context and added the new', () => {
    const before = 'k\na\nb\nc\nd\ne\nf\ng\n';
    const after = 'a\nB\nc\nd\nd2\ne\ng\nh\n';
    const lines = diffLines(before, after, { context: 100 });
    const old = lines.filter((line) => line.kind === 'context' || line.kind === 'removed');
    const fresh = lines.filter((line) => line.kind === 'context' || line.kind === 'added');
    expect(old.map((line) => line.text)).toEqual(splitLines(before));
    expect(fresh.map((line) => line.text)).toEqual(splitLines(after));
    // The shortest edit: k, b, f removed; B, d2, h added; the rest kept.
    expect(lines.filter((line) => line.kind === 'removed').map((line) => line.text)).toEqual([
      'k',
      'b',
      'f',
    ]);
  });

  it('rebuilds both sides for many random pairs, with or without the edit bound', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const text = () =>
      Array.from({ length: Math.floor(random() * 12) }, () => 'abcd'[Math.floor(random() * 4)])
        .map((letter) => `${letter}\n`)
        .join('');
    for (let round = 0; round < 300; round++) {
      const before = text();
      const after = text();
      for (const maxEdits of [2_000, 3]) {
        const lines = diffLines(before, after, { context: 1_000, maxEdits });
        const old = lines.filter((line) => line.kind === 'context' || line.kind === 'removed');
        const fresh = lines.filter((line) => line.kind === 'context' || line.kind === 'added');
        if (before === after) expect(lines).toEqual([]);
        else {
          expect(old.map((line) => line.text)).toEqual(splitLines(before));
          expect(fresh.map((line) => line.text)).toEqual(splitLines(after));
        }
      }
    }
  });
});
