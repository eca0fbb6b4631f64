/** How the editor shows file text to the model: `cat -n` numbering and snippets around an edit. */

/** Lines shown before and after an edit, as upstream's editor does. */
export const snippetContextLines = 4;

/** `cat -n` of `text`, numbering from `firstLine`: six-wide numbers and a tab. */
export function numberLines(text: string, firstLine = 1): string {
  return text
    .split('\n')
    .map((line, index) => `${String(index + firstLine).padStart(6)}\t${line}`)
    .join('\n');
}

/** The lines of `text` around lines `[fromLine, toLine]` (1-based), numbered. */
export function snippetAround(text: string, fromLine: number, toLine: number): string {
  const lines = text.split('\n');
  const start = Math.max(1, fromLine - snippetContextLines);
  const end = Math.min(lines.length, toLine + snippetContextLines);
  return numberLines(lines.slice(start - 1, end).join('\n'), start);
}

/** 1-based line numbers at which each occurrence of `needle` in `text` starts. */
export function occurrenceLines(text: string, needle: string): number[] {
  const lines: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    lines.push(lineOf(text, at));
  }
  return lines;
}

/** The 1-based line of character offset `offset`. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset;) {
    line++;
    index = text.indexOf('\n', index + 1);
  }
  return line;
}

/** The lines `[start, end]` of a `view_range` (end -1: to the end), or an error text. */
export function viewRange(
  text: string,
  range: readonly number[],
): { lines: string; firstLine: number } | string {
  const lines = text.split('\n');
  const [start, end] = range;
  if (range.length !== 2 || start === undefined || end === undefined) {
    return 'Invalid `view_range`. It should be a list of two integers.';
  }
  if (start < 1 || start > lines.length) {
    return `Invalid \`view_range\`: ${JSON.stringify(range)}. Its first element \`${start}\` should be within the range of lines of the file: [1, ${lines.length}]`;
  }
  if (end !== -1 && (end < start || end > lines.length)) {
    return `Invalid \`view_range\`: ${JSON.stringify(range)}. Its second element \`${end}\` should be -1 or within [${start}, ${lines.length}]`;
  }
  const last = end === -1 ? lines.length : end;
  return { lines: lines.slice(start - 1, last).join('\n'), firstLine: start };
}
