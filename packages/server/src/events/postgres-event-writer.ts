import type { Kysely } from 'kysely';
import type { DatabaseSchema, EventsTable } from '../storage/schema.js';
import { conversationRowUpdates } from './conversation-row-update.js';
import { assignIds, type AppendRequest, type IdAssignment } from './event-batch.js';
import { payloadFor } from './event-row.js';

/** Rows per INSERT (8 parameters each, well under PostgreSQL's 65,535-parameter limit). */
const rowsPerInsert = 1_000;

/** An append fenced with a lease generation that is no longer the conversation's. */
export class StaleFenceError extends Error {}

/**
 * Refuses the batch when one of its fenced appends carries a generation that is not its
 * conversation's current one. The lease rows stay share-locked until the commit, so a takeover
 * (which updates the row) waits for this batch, and every append checked after it sees the new
 * generation: nothing of an old generation commits after a takeover.
 */
async function checkFences(
  transaction: Kysely<DatabaseSchema>,
  batch: readonly AppendRequest[],
): Promise<void> {
  const fenced = batch.filter((request) => request.fence !== undefined);
  if (fenced.length === 0) return;
  const conversationIds = [...new Set(fenced.map((request) => request.conversationId))];
  const rows = await transaction
    .selectFrom('conversation_leases')
    .select(['conversation_id', 'generation'])
    .where('conversation_id', 'in', conversationIds)
    .forShare()
    .execute();
  const current = new Map(rows.map((row) => [row.conversation_id, Number(row.generation)]));
  for (const request of fenced) {
    if (current.get(request.conversationId) !== request.fence?.generation) {
      throw new StaleFenceError(
        `Conversation ${request.conversationId} is owned by another process now (generation ${String(
          current.get(request.conversationId),
        )}, not ${String(request.fence?.generation)})`,
      );
    }
  }
}

/** Writes a batch in one Kysely transaction with multi-row inserts. */
export async function writePostgresBatch(
  kysely: Kysely<DatabaseSchema>,
  batch: readonly AppendRequest[],
  knownNextIds: Map<string, number>,
  timestamp: string,
): Promise<IdAssignment> {
  return kysely.transaction().execute(async (transaction) => {
    await checkFences(transaction, batch);
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
