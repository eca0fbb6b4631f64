/**
 * Line diffs for the edit card: `parseUnifiedDiff` reads the unified diff the server logged, and
 * `diffLines` computes one from a file's old and new contents when the log has none (Myers'
 * algorithm, with a bound on the edits it looks for; past it the whole file reads as replaced).
 */

export type DiffLineKind = 'hunk' | 'context' | 'added' | 'removed' | 'note';

/** One line of a diff; `text` is the line without its `+`, `-` or space prefix. */
export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/**
 * The lines of a unified diff, without its file headers (`Index:`, `===`, `---`, `+++`, `diff …`).
 * Each hunk's header says how many old and new lines it holds, so a removed line that itself
 * starts with `--` is never taken for a header.
 */
export function parseUnifiedDiff(diff: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of splitLines(diff)) {
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (oldLeft === 0 && newLeft === 0) {
      if (hunk !== null) {
        oldLeft = Number(hunk[1] ?? '1');
        newLeft = Number(hunk[2] ?? '1');
        lines.push({ kind: 'hunk', text: line });
      } else if (line.startsWith('\\')) lines.push({ kind: 'note', text: line });
      continue;
    }
    if (line.startsWith('\\')) {
      lines.push({ kind: 'note', text: line });
    } else if (line.startsWith('+')) {
      lines.push({ kind: 'added', text: line.slice(1) });
      newLeft -= 1;
    } else if (line.startsWith('-')) {
      lines.push({ kind: 'removed', text: line.slice(1) });
      oldLeft -= 1;
    } else {
      lines.push({ kind: 'context', text: line.startsWith(' ') ? line.slice(1) : line });
      oldLeft -= 1;
      newLeft -= 1;
    }
    oldLeft = Math.max(oldLeft, 0);
    newLeft = Math.max(newLeft, 0);
  }
  return lines;
}

/** A text's lines; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

type Operation = { kind: 'equal' | 'added' | 'removed'; text: string };

export interface DiffOptions {
  /** Unchanged lines shown around each change (default 3, as `diff -u`). */
  context?: number;
  /** The most line edits searched for before giving up and showing a whole replacement. */
  maxEdits?: number;
}

/** A unified diff (hunks only) from old to new contents; empty when they are equal. */
export function diffLines(oldText: string, newText: string, options: DiffOptions = {}): DiffLine[] {
  const before = splitLines(oldText);
  const after = splitLines(newText);
  const operations = editScript(before, after, options.maxEdits ?? 2_000) ?? [
    ...before.map((text) => ({ kind: 'removed' as const, text })),
    ...after.map((text) => ({ kind: 'added' as const, text })),
  ];
  return hunks(operations, options.context ?? 3);
}

/** Myers' shortest edit script, or undefined when it needs more than `maxEdits` edits. */
function editScript(a: string[], b: string[], maxEdits: number): Operation[] | undefined {
  const offset = a.length + b.length + 1;
  const furthest = new Int32Array(2 * offset + 1);
  // furthest[k + offset]: the furthest x on diagonal k (x - y = k) so far.
  const snapshots: Int32Array[] = [];
  for (let d = 0; d <= Math.min(maxEdits, a.length + b.length); d++) {
    let reachedEnd = false;
    for (let k = -d; k <= d; k += 2) {
      const down =
        k === -d ||
        (k !== d && (furthest[k - 1 + offset] as number) < (furthest[k + 1 + offset] as number));
      let x = down
        ? (furthest[k + 1 + offset] as number)
        : (furthest[k - 1 + offset] as number) + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      furthest[k + offset] = x;
      if (x >= a.length && y >= b.length) reachedEnd = true;
    }
    snapshots.push(furthest.slice(offset - d, offset + d + 1));
    if (reachedEnd) return backtrack(a, b, snapshots);
  }
  return undefined;
}

function backtrack(a: string[], b: string[], snapshots: Int32Array[]): Operation[] {
  const operations: Operation[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = snapshots.length - 1; d > 0; d--) {
    const previous = snapshots[d - 1] as Int32Array;
    const at = (k: number) => previous[k + d - 1] as number;
    const k = x - y;
    const previousK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      operations.push({ kind: 'equal', text: a[x - 1] as string });
      x -= 1;
      y -= 1;
    }
    if (x === previousX) operations.push({ kind: 'added', text: b[previousY] as string });
    else operations.push({ kind: 'removed', text: a[previousX] as string });
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    operations.push({ kind: 'equal', text: a[x - 1] as string });
    x -= 1;
    y -= 1;
  }
  return operations.reverse();
}

/** Groups the edit script into `@@ -a,b +c,d @@` hunks with `context` lines around changes. */
function hunks(operations: readonly Operation[], context: number): DiffLine[] {
  const changed = operations.flatMap((operation, index) =>
    operation.kind === 'equal' ? [] : [index],
  );
  const lines: DiffLine[] = [];
  let next = 0;
  while (next < changed.length) {
    const start = Math.max(0, (changed[next] as number) - context);
    let last = changed[next] as number;
    while (next + 1 < changed.length && (changed[next + 1] as number) - last <= 2 * context) {
      next += 1;
      last = changed[next] as number;
    }
    next += 1;
    const end = Math.min(operations.length, last + context + 1);
    lines.push(hunkHeader(operations, start, end));
    for (const operation of operations.slice(start, end)) {
      lines.push({
        kind: operation.kind === 'equal' ? 'context' : operation.kind,
        text: operation.text,
      });
    }
  }
  return lines;
}

function hunkHeader(operations: readonly Operation[], start: number, end: number): DiffLine {
  const linesBefore = (kind: 'added' | 'removed', index: number) =>
    operations.slice(0, index).filter((operation) => operation.kind !== kind).length;
  const oldStart = linesBefore('added', start);
  const newStart = linesBefore('removed', start);
  const oldLength = linesBefore('added', end) - oldStart;
  const newLength = linesBefore('removed', end) - newStart;
  const range = (first: number, length: number) => `${length === 0 ? first : first + 1},${length}`;
  return {
    kind: 'hunk',
    text: `@@ -${range(oldStart, oldLength)} +${range(newStart, newLength)} @@`,
  };
}
