import type { SqliteConnection, SqliteStatement } from '../storage/sqlite-connection.js';

/** A stored row as a page read returns it. */
export interface StoredRow {
  id: number;
  payload: string;
}

interface PreparedReader {
  connection: SqliteConnection;
  open: SqliteStatement;
  bounded: SqliteStatement;
}

/**
 * Reads forward pages of one conversation's log, without a filter, on the raw better-sqlite3
 * connection with statements prepared once per connection: the replay's fast path, which skips
 * building, compiling and preparing a Kysely query for every page (about 0.1 ms each).
 */
export class SqliteEventReader {
  #prepared: PreparedReader | undefined;

  readPage(
    connection: SqliteConnection,
    conversationId: string,
    fromId: number,
    endId: number | undefined,
    limit: number,
  ): StoredRow[] {
    if (this.#prepared?.connection !== connection) this.#prepared = prepareReader(connection);
    const rows =
      endId === undefined
        ? this.#prepared.open.all(conversationId, fromId, limit)
        : this.#prepared.bounded.all(conversationId, fromId, endId, limit);
    return rows as StoredRow[];
  }
}

function prepareReader(connection: SqliteConnection): PreparedReader {
  const select = 'SELECT id, payload FROM events WHERE conversation_id = ? AND id >= ?';
  return {
    connection,
    open: connection.prepare(`${select} ORDER BY id LIMIT ?`),
    bounded: connection.prepare(`${select} AND id <= ? ORDER BY id LIMIT ?`),
  };
}
