/** The reliability table: printed by `npm run reliability` and kept in docs/reliability.md. */
import { megabytes } from './build-result.js';
import { failuresOf, type ScenarioResult } from './scenario.js';

const header = [
  'Scenario',
  'DB',
  'Operations',
  'Faults injected',
  'Lost',
  'Duplicated',
  'Crashes',
  'Peak RSS (MB)',
  'Bounds',
  'Result',
];

export function reliabilityTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((result) => [
    `${result.id} ${result.title}`,
    result.database,
    String(result.operations),
    String(result.faults),
    String(result.check.lost.length),
    String(result.check.duplicated.length),
    String(result.crashes),
    String(megabytes(result.peakRssBytes)),
    result.bounds
      .map((bound) => `${bound.pass ? '✓' : '✗'} ${bound.name}: ${bound.detail}`)
      .join('; '),
    failuresOf(result).length === 0 ? 'pass' : 'FAIL',
  ]);
  const lines = [header, header.map(() => '---'), ...rows].map(
    (cells) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`,
  );
  return lines.join('\n');
}

/** Every broken promise, scenario by scenario (empty when all passed). */
export function failureReport(results: readonly ScenarioResult[]): string[] {
  return results.flatMap((result) =>
    failuresOf(result).map((failure) => `${result.id} (${result.database}): ${failure}`),
  );
}

/** The scenarios' notes (sizes, figures that explain a row), one bullet each. */
export function reliabilityNotes(results: readonly ScenarioResult[]): string {
  return results
    .flatMap((result) => result.notes.map((note) => `- ${result.id} (${result.database}): ${note}`))
    .join('\n');
}
