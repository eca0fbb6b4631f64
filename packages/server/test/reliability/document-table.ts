/**
 * The section of docs/reliability.md between the table markers. A run of every scenario replaces
 * it; a run of some scenarios (`npm run reliability -- R16`) replaces only their rows and notes,
 * keeps the others' as they were, and adds a line saying which rows came from which run.
 */

export interface TableSection {
  /** The line saying when and on what the rows were run. */
  readonly stamp: string;
  readonly table: string;
  /** One bullet per note (`- R2 (sqlite): …`), or empty. */
  readonly notes: string;
  /** The known-open paragraph, or empty. */
  readonly knownOpen: string;
}

export function renderSection(section: TableSection): string {
  const parts = [section.stamp, section.table];
  if (section.notes !== '') parts.push(section.notes);
  if (section.knownOpen !== '') parts.push(section.knownOpen);
  return parts.join('\n\n');
}

/** A table row's or note's scenario id (`R16`), from `| R16 sandbox … |` or `- R16 (sqlite): …`. */
function scenarioOf(line: string): string | undefined {
  return /^(?:\|\s*|-\s+)(R\d+)\b/.exec(line)?.[1];
}

/**
 * `previous` (the section as the document holds it) with the rows and notes of the `chosen`
 * scenarios replaced by `fresh`'s, in the order of `order` (every scenario id, as listed); the
 * known-open paragraph is `fresh`'s, and the stamp `previous`'s followed by `fresh`'s.
 */
export function mergeSection(
  previous: string,
  fresh: TableSection,
  chosen: readonly string[],
  order: readonly string[],
): string {
  const lines = previous.split('\n');
  const kept = (line: string) => {
    const id = scenarioOf(line);
    return id !== undefined && !chosen.includes(id);
  };
  const oldRows = lines.filter((line) => line.startsWith('|') && kept(line));
  const oldNotes = lines.filter((line) => line.startsWith('- ') && kept(line));
  const oldStamp = lines.find((line) => line.startsWith('Run ')) ?? '';
  const [header = '', rule = '', ...freshRows] = fresh.table.split('\n');
  const rank = (line: string) => order.indexOf(scenarioOf(line) ?? '');
  // Stable: a scenario's rows keep their database order.
  const byScenario = (left: string, right: string) => rank(left) - rank(right);
  const rows = [...oldRows, ...freshRows].sort(byScenario);
  const notes = [...oldNotes, ...fresh.notes.split('\n').filter((line) => line !== '')].sort(
    byScenario,
  );
  return renderSection({
    stamp: oldStamp === '' ? fresh.stamp : mergeStamp(oldStamp, fresh.stamp, chosen),
    table: [header, rule, ...rows].join('\n'),
    notes: notes.join('\n'),
    knownOpen: fresh.knownOpen,
  });
}

/**
 * `Run …` of the whole table, then `R16: Run …` per partial run since; an earlier partial run of
 * the same scenarios is dropped.
 */
function mergeStamp(previous: string, fresh: string, chosen: readonly string[]): string {
  const [base = '', ...partials] = previous.split(/ (?=R\d+(?:, R\d+)*: Run )/);
  const others = partials.filter((partial) => {
    const ids = partial.slice(0, partial.indexOf(':')).split(', ');
    return !ids.some((id) => chosen.includes(id));
  });
  return [base, ...others, `${chosen.join(', ')}: ${fresh}`].join(' ');
}
