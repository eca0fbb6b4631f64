import { z } from 'zod';

const count = z.number().int().nonnegative();

/**
 * Upstream `TokenUsage.model_dump()`. Missing fields take upstream's pydantic defaults, so the
 * parsed value is always complete.
 */
export const tokenUsageSchema = z.object({
  model: z.string().default(''),
  prompt_tokens: count.default(0),
  completion_tokens: count.default(0),
  cache_read_tokens: count.default(0),
  cache_write_tokens: count.default(0),
  context_window: count.default(0),
  per_turn_token: count.default(0),
  response_id: z.string().default(''),
});

export const llmCostSchema = z.object({
  model: z.string(),
  cost: z.number(),
  /** Seconds since the epoch (Python `time.time()`). */
  timestamp: z.number(),
});

export const responseLatencySchema = z.object({
  model: z.string(),
  /** Seconds. */
  latency: z.number(),
  response_id: z.string(),
});

/**
 * Upstream `Metrics.get()`, the `llm_metrics` field of an event. Missing fields default the way
 * upstream's `event_from_dict` fills them, so the parsed value is always complete.
 */
export const llmMetricsSchema = z.object({
  accumulated_cost: z.number().nonnegative().default(0),
  max_budget_per_task: z.number().nullable().default(null),
  accumulated_token_usage: tokenUsageSchema.prefault({}),
  costs: z.array(llmCostSchema).default(() => []),
  response_latencies: z.array(responseLatencySchema).default(() => []),
  token_usages: z.array(tokenUsageSchema).default(() => []),
});

export type TokenUsage = z.output<typeof tokenUsageSchema>;
export type LlmCost = z.output<typeof llmCostSchema>;
export type ResponseLatency = z.output<typeof responseLatencySchema>;
export type LlmMetrics = z.output<typeof llmMetricsSchema>;
