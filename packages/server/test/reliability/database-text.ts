/**
 * Everything a scenario's database holds, as text: one string per row of every table Parley
 * owns, so a scenario can tell whether a marker (a refused request's token, a canary) was written
 * anywhere at all. Sealed columns (secret values, settings keys) are ciphertext and cannot carry a
 * marker in clear; the scenarios probe those through the API instead.
 */
import { createSilentLogger } from '../../src/shared/logger.js';
import { openDatabase } from '../../src/storage/open-database.js';
import type { DatabaseLocation } from './log-reader.js';

export interface DatabaseText {
  /** `table: JSON of the row` for every row. */
  readonly rows: readonly string[];
  readonly conversationIds: readonly string[];
}

export async function readDatabaseText(location: DatabaseLocation): Promise<DatabaseText> {
  const database = await openDatabase({
    databaseUrl: location.databaseUrl,
    dataDirectory: location.dataDirectory,
    logger: createSilentLogger(),
    migrate: false,
  });
  try {
    const kysely = database.kysely;
    const rows: string[] = [];
    const conversations = await kysely.selectFrom('conversations').selectAll().execute();
    for (const row of conversations) rows.push(`conversations: ${JSON.stringify(row)}`);
    for (const row of await kysely.selectFrom('events').selectAll().execute()) {
      rows.push(`events: ${JSON.stringify(row)}`);
    }
    for (const row of await kysely.selectFrom('settings').selectAll().execute()) {
      rows.push(`settings: ${JSON.stringify(row)}`);
    }
    for (const row of await kysely.selectFrom('secrets').selectAll().execute()) {
      rows.push(`secrets: ${JSON.stringify(row)}`);
    }
    return { rows, conversationIds: conversations.map((row) => row.conversation_id) };
  } finally {
    await database.close();
  }
}

/**
 * The markers of `markers` found anywhere in `texts`. Markers follow `pattern` (a global regular
 * expression matching every marker), so the texts are scanned once, whatever their number.
 */
export function markersFound(
  texts: readonly string[],
  markers: Iterable<string>,
  pattern: RegExp,
): string[] {
  const present = new Set<string>();
  for (const text of texts) for (const match of text.matchAll(pattern)) present.add(match[0]);
  return [...markers].filter((marker) => present.has(marker));
}
