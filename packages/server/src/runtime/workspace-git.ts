/**
 * What the git scripts print, read back: changed files with upstream's status letters
 * (`openhands/runtime/utils/git_changes.py`: M, A, D, U; untracked files are A; a rename is a D
 * and an A) and one file's original and modified text (`git_diff.py`: lines joined with `\n`).
 */

/** One changed file, as upstream's `/git/changes` lists it. */
export interface GitChange {
  readonly status: 'M' | 'A' | 'D' | 'U';
  /** Relative to the workspace. */
  readonly path: string;
}

export interface GitDiff {
  readonly original: string;
  readonly modified: string;
}

/** Parses `gitChangesScript`'s pairs; changes sorted by path, nested repositories prefixed. */
export function parseGitChanges(output: Buffer): GitChange[] {
  const tokens = output.toString('utf8').split('\0');
  const byRepository = new Map<string, GitChange[]>();
  let prefix = '';
  for (let index = 0; index + 1 < tokens.length; index += 2) {
    const kind = tokens[index] as string;
    const value = tokens[index + 1] as string;
    if (kind === '@repo') {
      prefix = value;
      continue;
    }
    const changes = byRepository.get(prefix) ?? [];
    byRepository.set(prefix, changes);
    changes.push({
      status: statusLetter(kind),
      path: prefix === '' ? value : `${prefix}/${value}`,
    });
  }
  const nested = [...byRepository.keys()].filter((name) => name !== '');
  const changes: GitChange[] = [];
  for (const [repository, repositoryChanges] of byRepository) {
    for (const change of repositoryChanges) {
      // The workspace's own repository sees a nested one as an untracked directory: upstream
      // drops those entries and lists the nested repository's own changes instead.
      const insideNested =
        repository === '' &&
        nested.some((name) => change.path === name || change.path.startsWith(`${name}/`));
      if (!insideNested) changes.push(change);
    }
  }
  return changes.sort((left, right) => compareText(left.path, right.path));
}

/** Upstream's letters: a type change counts as modified, anything unexpected too. */
function statusLetter(status: string): GitChange['status'] {
  const letter = status.charAt(0);
  if (letter === 'A' || letter === 'D' || letter === 'U' || letter === 'M') return letter;
  return 'M';
}

/** Parses `gitDiffScript`'s output: `<original size>\n<original><modified>`. */
export function parseGitDiff(output: Buffer): GitDiff {
  const newline = output.indexOf(0x0a);
  const size = Number(output.subarray(0, newline).toString('ascii'));
  const originalLength = size < 0 ? 0 : size;
  const original = output.subarray(newline + 1, newline + 1 + originalLength);
  const modified = output.subarray(newline + 1 + originalLength);
  return { original: joinedLines(original), modified: joinedLines(modified) };
}

/** What Python's `str.splitlines` splits on (with the file separators \x1c–\x1e). */
// eslint-disable-next-line no-control-regex -- Python's line boundaries include these characters.
const lineBreak = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/u;

/** Python's `'\n'.join(text.splitlines())`: every line break becomes `\n`, a final one goes. */
export function joinedLines(bytes: Buffer): string {
  const lines = bytes.toString('utf8').split(lineBreak);
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}

function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
