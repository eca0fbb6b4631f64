import type { SqliteConnection } from '../storage/sqlite-connection.js';
import { conversationRowUpdates } from './conversation-row-update.js';
import { assignIds, type AppendRequest, type IdAssignment } from './event-batch.js';
import { payloadFor } from './event-row.js';

/**
 * Writes batches on the raw better-sqlite3 connection with cached prepared statements: the fast path
 * of the event log. Runs synchronously inside one transaction; a throw rolls everything back.
 */
interface PreparedWriter {
  connection: SqliteConnection;
  write: (
    batch: readonly AppendRequest[],
    knownNextIds: Map<string, number>,
    timestamp: string,
  ) => IdAssignment;
}

export class SqliteEventWriter {
  /** Statements and the transaction wrapper, built once per connection (not once per commit). */
  #prepared: PreparedWriter | undefined;

  write(
    connection: SqliteConnection,
    batch: readonly AppendRequest[],
    knownNextIds: Map<string, number>,
    timestamp: string,
  ): IdAssignment {
    if (this.#prepared?.connection !== connection) this.#prepared = prepareWriter(connection);
    return this.#prepared.write(batch, knownNextIds, timestamp);
  }
}

function prepareWriter(connection: SqliteConnection): PreparedWriter {
  const insert = connection.prepare(
    'INSERT INTO events (conversation_id, id, timestamp, source, kind, type, hidden, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const maxId = connection.prepare(
    'SELECT max(id) AS latest FROM events WHERE conversation_id = ?',
  );
  const touch = connection.prepare(
    'UPDATE conversations SET last_updated_at = ? WHERE conversation_id = ?',
  );
  const setTotals = connection.prepare(
    'UPDATE conversations SET last_updated_at = ?, accumulated_cost = ?, prompt_tokens = ?, completion_tokens = ?, total_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?, context_window = ?, per_turn_token = ? WHERE conversation_id = ?',
  );
  const write = connection.transaction(
    (
      batch: readonly AppendRequest[],
      knownNextIds: Map<string, number>,
      timestamp: string,
    ): IdAssignment => {
      const nextIds = new Map(knownNextIds);
      for (const request of batch) {
        if (nextIds.has(request.conversationId)) continue;
        const row = maxId.get(request.conversationId) as { latest: number | null } | undefined;
        nextIds.set(request.conversationId, row?.latest == null ? 0 : row.latest + 1);
      }
      const assignment = assignIds(batch, nextIds, (conversationId, id, prepared) => {
        insert.run(
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
      // The conversation's row moves in the same transaction (a no-op when it has no row).
      for (const { conversationId, totals } of conversationRowUpdates(batch)) {
        if (totals === undefined) {
          touch.run(timestamp, conversationId);
          continue;
        }
        setTotals.run(
          timestamp,
          totals.accumulatedCost,
          totals.promptTokens,
          totals.completionTokens,
          totals.totalTokens,
          totals.cacheReadTokens,
          totals.cacheWriteTokens,
          totals.contextWindow,
          totals.perTurnToken,
          conversationId,
        );
      }
      return assignment;
    },
  );
  return { connection, write };
}
