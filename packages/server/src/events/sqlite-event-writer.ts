import type { SqliteConnection, SqliteStatement } from '../storage/sqlite-connection.js';
import { assignIds, type AppendRequest, type IdAssignment } from './event-batch.js';
import { payloadFor } from './event-row.js';

/**
 * Writes batches on the raw better-sqlite3 connection with cached prepared statements: the fast path
 * of the event log. Runs synchronously inside one transaction; a throw rolls everything back.
 */
export class SqliteEventWriter {
  #statements: { insert: SqliteStatement; maxId: SqliteStatement } | undefined;

  write(
    connection: SqliteConnection,
    batch: readonly AppendRequest[],
    knownNextIds: Map<string, number>,
    timestamp: string,
  ): IdAssignment {
    const statements = (this.#statements ??= {
      insert: connection.prepare(
        'INSERT INTO events (conversation_id, id, timestamp, source, kind, type, hidden, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      maxId: connection.prepare('SELECT max(id) AS latest FROM events WHERE conversation_id = ?'),
    });
    const write = connection.transaction((): IdAssignment => {
      const nextIds = new Map(knownNextIds);
      for (const request of batch) {
        if (nextIds.has(request.conversationId)) continue;
        const row = statements.maxId.get(request.conversationId) as
          { latest: number | null } | undefined;
        nextIds.set(request.conversationId, row?.latest == null ? 0 : row.latest + 1);
      }
      return assignIds(batch, nextIds, (conversationId, id, prepared) => {
        statements.insert.run(
          conversationId,
          id,
          timestamp,
          prepared.source,
          prepared.kind,
          prepared.type,
          prepared.hidden,
          payloadFor(prepared, id, timestamp),
        );
      });
    });
    return write();
  }
}
