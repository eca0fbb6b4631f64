import type { Kysely } from 'kysely';
import type { DatabaseSchema, EventsTable } from '../storage/schema.js';
import { conversationRowUpdates } from './conversation-row-update.js';
import { assignIds, type AppendRequest, type IdAssignment } from './event-batch.js';
import { payloadFor } from './event-row.js';

/** Rows per INSERT (8 parameters each, well under PostgreSQL's 65,535-parameter limit). */
const rowsPerInsert = 1_000;

/** Writes a batch in one Kysely transaction with multi-row inserts. */
export async function writePostgresBatch(
  kysely: Kysely<DatabaseSchema>,
  batch: readonly AppendRequest[],
  knownNextIds: Map<string, number>,
  timestamp: string,
): Promise<IdAssignment> {
  return kysely.transaction().execute(async (transaction) => {
    const nextIds = new Map(knownNextIds);
    const unknown = [...new Set(batch.map((request) => request.conversationId))].filter(
      (conversationId) => !nextIds.has(conversationId),
    );
    if (unknown.length > 0) {
      const heads = await transaction
        .selectFrom('events')
        .select((builder) => ['conversation_id', builder.fn.max('id').as('latest')])
        .where('conversation_id', 'in', unknown)
        .groupBy('conversation_id')
        .execute();
      for (const conversationId of unknown) nextIds.set(conversationId, 0);
      for (const head of heads) nextIds.set(head.conversation_id, Number(head.latest) + 1);
    }
    const rows: EventsTable[] = [];
    const assignment = assignIds(batch, nextIds, (conversationId, id, prepared) => {
      rows.push({
        conversation_id: conversationId,
        id,
        timestamp,
        source: prepared.source,
        kind: prepared.kind,
        type: prepared.type,
        hidden: prepared.hidden,
        payload: payloadFor(prepared, id, timestamp),
      });
    });
    for (let start = 0; start < rows.length; start += rowsPerInsert) {
      await transaction
        .insertInto('events')
        .values(rows.slice(start, start + rowsPerInsert))
        .execute();
    }
    // The conversations' rows move in the same transaction (a no-op for ids without a row).
    const updates = conversationRowUpdates(batch);
    await transaction
      .updateTable('conversations')
      .set({ last_updated_at: timestamp })
      .where(
        'conversation_id',
        'in',
        updates.map((update) => update.conversationId),
      )
      .execute();
    for (const { conversationId, totals } of updates) {
      if (totals === undefined) continue;
      await transaction
        .updateTable('conversations')
        .set({
          accumulated_cost: totals.accumulatedCost,
          prompt_tokens: totals.promptTokens,
          completion_tokens: totals.completionTokens,
          total_tokens: totals.totalTokens,
          cache_read_tokens: totals.cacheReadTokens,
          cache_write_tokens: totals.cacheWriteTokens,
          context_window: totals.contextWindow,
          per_turn_token: totals.perTurnToken,
        })
        .where('conversation_id', '=', conversationId)
        .execute();
    }
    return assignment;
  });
}
