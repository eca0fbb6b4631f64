import type { AppendRequest } from './event-batch.js';

/** Running totals copied from the latest `llm_metrics` of a batch, as upstream's update callback. */
export interface ConversationTotals {
  accumulatedCost: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  contextWindow: number;
  perTurnToken: number;
}

export interface ConversationRowUpdate {
  conversationId: string;
  /** Present when an event of the batch carried `llm_metrics`. */
  totals: ConversationTotals | undefined;
}

/**
 * What each conversation's metadata row learns from a batch: its `last_updated_at` moves to the
 * batch's timestamp, and the latest `llm_metrics` (if any) sets the cost and token totals. The
 * writers apply these in the same transaction as the events, so the row never disagrees with the log.
 */
export function conversationRowUpdates(batch: readonly AppendRequest[]): ConversationRowUpdate[] {
  const updates = new Map<string, ConversationRowUpdate>();
  for (const request of batch) {
    let update = updates.get(request.conversationId);
    if (update === undefined) {
      update = { conversationId: request.conversationId, totals: undefined };
      updates.set(request.conversationId, update);
    }
    for (const prepared of request.events) {
      const event = prepared.event;
      const metrics = 'llm_metrics' in event ? event.llm_metrics : undefined;
      if (metrics == null) continue;
      // Events built in code may skip the schema's defaults, so every field is read defensively.
      const usage: Partial<typeof metrics.accumulated_token_usage> =
        metrics.accumulated_token_usage ?? {};
      const promptTokens = usage.prompt_tokens ?? 0;
      const completionTokens = usage.completion_tokens ?? 0;
      update.totals = {
        accumulatedCost: metrics.accumulated_cost ?? 0,
        promptTokens,
        completionTokens,
        totalTokens: promptTokens + completionTokens,
        cacheReadTokens: usage.cache_read_tokens ?? 0,
        cacheWriteTokens: usage.cache_write_tokens ?? 0,
        contextWindow: usage.context_window ?? 0,
        perTurnToken: usage.per_turn_token ?? 0,
      };
    }
  }
  return [...updates.values()];
}
