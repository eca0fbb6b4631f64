import type { ConversationInfo, LlmMetrics } from '@parley/protocol';

/**
 * A conversation's usage for the metrics panel. Totals come from `GET /api/conversations/{id}`
 * (kept up to date by the server); the per-call series (latency, tokens and cost of each LLM
 * response) come from the newest `llm_metrics` in the V0 event log, which holds the conversation's
 * running metrics. V1 frames carry no metrics, so the socket cannot provide them.
 */
export interface ConversationMetrics {
  model: string | null;
  accumulatedCost: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  maxBudgetPerTask: number | null;
  /** One entry per LLM response, oldest first; empty when no answer carried metrics yet. */
  responses: readonly ResponseMetrics[];
}

export interface ResponseMetrics {
  responseId: string;
  /** Seconds. */
  latency: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cost: number | null;
}

/** Combines the conversation's totals with the per-response series of its latest metrics. */
export function conversationMetrics(
  info: ConversationInfo,
  metrics: LlmMetrics | undefined,
): ConversationMetrics {
  const responses: ResponseMetrics[] = [];
  if (metrics !== undefined) {
    const byId = new Map<string, ResponseMetrics>();
    const entry = (responseId: string): ResponseMetrics => {
      let found = byId.get(responseId);
      if (found === undefined) {
        found = {
          responseId,
          latency: null,
          promptTokens: null,
          completionTokens: null,
          cost: null,
        };
        byId.set(responseId, found);
        responses.push(found);
      }
      return found;
    };
    for (const latency of metrics.response_latencies)
      entry(latency.response_id).latency = latency.latency;
    for (const usage of metrics.token_usages) {
      const found = entry(usage.response_id);
      found.promptTokens = usage.prompt_tokens;
      found.completionTokens = usage.completion_tokens;
    }
    // Costs carry no response id; they are listed in call order, like the latencies.
    metrics.costs.forEach((cost, index) => {
      const found = responses[index];
      if (found !== undefined) found.cost = cost.cost;
    });
  }
  return {
    model: info.llm_model,
    accumulatedCost: info.accumulated_cost,
    promptTokens: info.prompt_tokens,
    completionTokens: info.completion_tokens,
    totalTokens: info.total_tokens,
    maxBudgetPerTask: metrics?.max_budget_per_task ?? null,
    responses,
  };
}
