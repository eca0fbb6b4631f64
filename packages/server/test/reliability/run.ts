/**
 * `npm run reliability`: runs the reliability scenarios (R1–R16 of reliability.md) against real
 * Parley server processes, checks each run's history, prints one table and writes it into
 * docs/reliability.md. Exits 1 when any promise was broken.
 *
 *   npm run reliability                  short profile (what CI runs), every scenario
 *   npm run reliability -- --full        full profile (nightly-length sizes)
 *   npm run reliability -- R1 R12        only these scenarios (their rows replace theirs in the
 *                                        document; the other rows stay)
 *   npm run reliability -- --no-write    print only, leave docs/reliability.md alone
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { mergeSection, renderSection, type TableSection } from './document-table.js';
import { knownOpenPromises } from './known-open.js';
import { failureReport, reliabilityNotes, reliabilityTable } from './report.js';
import type { Profile, ScenarioResult } from './scenario.js';
import { scenarios } from './scenarios/index.js';

const documentPath = fileURLToPath(new URL('../../../../docs/reliability.md', import.meta.url));
const tableStart = '<!-- reliability-table:start -->';
const tableEnd = '<!-- reliability-table:end -->';

const argumentsGiven = process.argv.slice(2);
const profile: Profile = argumentsGiven.includes('--full') ? 'full' : 'short';
const write = !argumentsGiven.includes('--no-write');
const chosen = argumentsGiven.filter((argument) => !argument.startsWith('--'));
const unknown = chosen.filter((id) => !scenarios.some((scenario) => scenario.id === id));
if (unknown.length > 0) {
  console.error(
    `unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.id).join(', ')}`,
  );
  process.exit(2);
}

const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  if (chosen.length > 0 && !chosen.includes(scenario.id)) continue;
  for (const database of scenario.databases) {
    console.log(`${scenario.id} ${scenario.title} (${database}, ${profile})`);
    const result = await scenario.run({
      profile,
      database,
      progress: (message) => console.log(`  ${message}`),
    });
    results.push(result);
  }
}

const knownOpen = knownOpenPromises
  .map((known) => `- ${known.scenario}, ${known.bound}: ${known.why}`)
  .join('\n');
const section: TableSection = {
  stamp: `Run ${new Date().toISOString().slice(0, 10)}, ${profile} profile, commit ${gitRevision()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB.`,
  table: reliabilityTable(results),
  notes: reliabilityNotes(results),
  knownOpen:
    knownOpen === ''
      ? ''
      : `Known open (FAIL above, allowed by the test suite until fixed):\n\n${knownOpen}`,
};
console.log(`\n${renderSection({ ...section, stamp: '' }).trim()}\n`);
const failures = failureReport(results);
for (const failure of failures) console.log(`FAIL ${failure}`);
console.log(
  failures.length === 0 ? 'Every promise kept.' : `${failures.length} promise(s) broken.`,
);

if (write) {
  const document = readFileSync(documentPath, 'utf8');
  const start = document.indexOf(tableStart);
  const end = document.indexOf(tableEnd);
  if (start < 0 || end < start) throw new Error(`${documentPath} lacks the table markers`);
  const previous = document.slice(start + tableStart.length, end).trim();
  // Some scenarios only: their rows replace theirs, the other rows stay as they were.
  const fresh =
    chosen.length === 0
      ? renderSection(section)
      : mergeSection(
          previous,
          section,
          chosen,
          scenarios.map((scenario) => scenario.id),
        );
  const written = `${document.slice(0, start + tableStart.length)}\n${fresh}\n${document.slice(end)}`;
  // Formatted as `npm run check` expects the repository's markdown.
  const prettierOptions = (await resolveConfig(documentPath)) ?? {};
  writeFileSync(
    documentPath,
    await format(written, { ...prettierOptions, filepath: documentPath }),
  );
  console.log(`wrote ${documentPath}`);
}
process.exit(failures.length === 0 ? 0 : 1);

function gitRevision(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
