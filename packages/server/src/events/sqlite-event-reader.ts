import type { SqliteConnection, SqliteStatement } from '../storage/sqlite-connection.js';

/** A stored row as a page read returns it. */
export interface StoredRow {
  id: number;
  payload: string;
}

/** A stored row's id and the size of its stored JSON in bytes (`measurePage`). */
export interface RowSize {
  id: number;
  bytes: number;
}

/** An event type a page leaves out (a REST page leaves out StreamingDelta). */
export interface ExcludedType {
  kind: string;
  type: string;
}

interface PreparedReader {
  connection: SqliteConnection;
  open: SqliteStatement;
  bounded: SqliteStatement;
  openExcluding: SqliteStatement;
  boundedExcluding: SqliteStatement;
  sizes: SqliteStatement;
}

/**
 * Reads forward pages of one conversation's log, without a filter or leaving out one event type,
 * on the raw better-sqlite3 connection with statements prepared once per connection: the fast path
 * of replays and of REST pages, which skips building, compiling and preparing a Kysely query for
 * every page (about 0.1 ms each).
 */
export class SqliteEventReader {
  #prepared: PreparedReader | undefined;

  readPage(
    connection: SqliteConnection,
    conversationId: string,
    fromId: number,
    endId: number | undefined,
    limit: number,
    excluded?: ExcludedType,
  ): StoredRow[] {
    if (this.#prepared?.connection !== connection) this.#prepared = prepareReader(connection);
    const prepared = this.#prepared;
    if (excluded !== undefined) {
      const { kind, type } = excluded;
      const rows =
        endId === undefined
          ? prepared.openExcluding.all(conversationId, kind, type, fromId, limit)
          : prepared.boundedExcluding.all(conversationId, kind, type, fromId, endId, limit);
      return rows as StoredRow[];
    }
    const rows =
      endId === undefined
        ? prepared.open.all(conversationId, fromId, limit)
        : prepared.bounded.all(conversationId, fromId, endId, limit);
    return rows as StoredRow[];
  }

  /**
   * The ids and stored sizes of up to `limit` rows from `fromId` on. `octet_length` reads the size
   * from the record header: a big payload's overflow pages are not read.
   */
  readSizes(
    connection: SqliteConnection,
    conversationId: string,
    fromId: number,
    limit: number,
  ): RowSize[] {
    if (this.#prepared?.connection !== connection) this.#prepared = prepareReader(connection);
    return this.#prepared.sizes.all(conversationId, fromId, limit) as RowSize[];
  }
}

function prepareReader(connection: SqliteConnection): PreparedReader {
  const select = 'SELECT id, payload FROM events WHERE conversation_id = ? AND id >= ?';
  // The same condition as compileEventFilter's for one excluded type.
  const excluding =
    'SELECT id, payload FROM events WHERE conversation_id = ? AND NOT (kind = ? AND type = ?) ' +
    'AND id >= ?';
  return {
    connection,
    open: connection.prepare(`${select} ORDER BY id LIMIT ?`),
    bounded: connection.prepare(`${select} AND id <= ? ORDER BY id LIMIT ?`),
    openExcluding: connection.prepare(`${excluding} ORDER BY id LIMIT ?`),
    boundedExcluding: connection.prepare(`${excluding} AND id <= ? ORDER BY id LIMIT ?`),
    sizes: connection.prepare(
      'SELECT id, octet_length(payload) AS bytes FROM events WHERE conversation_id = ? ' +
        'AND id >= ? ORDER BY id LIMIT ?',
    ),
  };
}
