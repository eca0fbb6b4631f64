/**
 * A conversation's `llm_metrics` (upstream's `Metrics`, reference §4.1, §7.4): calls rolled up per
 * conversation in the wire shape of `@parley/protocol`'s `LlmMetrics`. Negative costs are refused,
 * latencies are clipped at 0, the accumulated context window is the largest seen and
 * `per_turn_token` is the latest call's prompt + completion. One call's figures (`CallMetrics`)
 * come from the LLM layer.
 */
import type { LlmCost, LlmMetrics, ResponseLatency, TokenUsage } from '@parley/protocol';
import type { CallMetrics } from '../../llm/language-model.js';

/** One call's tokens, as `addTokenUsage` takes them. */
export interface TokenUsageEntry {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly contextWindow: number;
  readonly responseId: string;
}

/** Upstream's `Metrics`: one per conversation (or per LLM), mutable, serialisable. */
export class LlmMetricsAccumulator {
  readonly modelName: string;
  maxBudgetPerTask: number | null = null;
  #accumulatedCost = 0;
  #accumulated: TokenUsage;
  #costs: LlmCost[] = [];
  #latencies: ResponseLatency[] = [];
  #tokenUsages: TokenUsage[] = [];
  readonly #now: () => number;

  /** `now` returns seconds since the epoch (upstream's `time.time()`); injectable for tests. */
  constructor(modelName = 'default', options: { now?: () => number } = {}) {
    this.modelName = modelName;
    this.#now = options.now ?? (() => Date.now() / 1000);
    this.#accumulated = emptyUsage(modelName);
  }

  get accumulatedCost(): number {
    return this.#accumulatedCost;
  }

  set accumulatedCost(value: number) {
    if (value < 0) throw new RangeError('Total cost cannot be negative.');
    this.#accumulatedCost = value;
  }

  get accumulatedTokenUsage(): Readonly<TokenUsage> {
    return this.#accumulated;
  }

  addCost(value: number): void {
    if (value < 0) throw new RangeError('Added cost cannot be negative.');
    this.#accumulatedCost += value;
    this.#costs.push({ model: this.modelName, cost: value, timestamp: this.#now() });
  }

  /** `latencySeconds` below 0 is stored as 0. */
  addResponseLatency(latencySeconds: number, responseId: string): void {
    this.#latencies.push({
      model: this.modelName,
      latency: Math.max(0, latencySeconds),
      response_id: responseId,
    });
  }

  addTokenUsage(entry: TokenUsageEntry): void {
    const usage: TokenUsage = {
      model: this.modelName,
      prompt_tokens: entry.promptTokens,
      completion_tokens: entry.completionTokens,
      cache_read_tokens: entry.cacheReadTokens,
      cache_write_tokens: entry.cacheWriteTokens,
      context_window: entry.contextWindow,
      per_turn_token: entry.promptTokens + entry.completionTokens,
      response_id: entry.responseId,
    };
    this.#tokenUsages.push(usage);
    this.#accumulated = addUsage(this.#accumulated, usage);
  }

  /** Records one call: its cost (when known), latency and tokens. */
  addCall(call: CallMetrics): void {
    if (call.cost !== undefined) this.addCost(call.cost);
    this.addResponseLatency(call.latencyMs / 1000, call.responseId);
    this.addTokenUsage({
      ...call.usage,
      contextWindow: call.contextWindow,
      responseId: call.responseId,
    });
  }

  /** Adds everything `other` recorded to this accumulator. */
  merge(other: LlmMetricsAccumulator): void {
    const json = other.toJSON();
    this.#accumulatedCost += json.accumulated_cost;
    this.#costs.push(...json.costs);
    this.#latencies.push(...json.response_latencies);
    this.#tokenUsages.push(...json.token_usages);
    this.#accumulated = addUsage(this.#accumulated, json.accumulated_token_usage);
  }

  copy(): LlmMetricsAccumulator {
    return LlmMetricsAccumulator.fromJSON(this.toJSON(), this.modelName, { now: this.#now });
  }

  toJSON(): LlmMetrics {
    return {
      accumulated_cost: this.#accumulatedCost,
      max_budget_per_task: this.maxBudgetPerTask,
      accumulated_token_usage: { ...this.#accumulated },
      costs: this.#costs.map((entry) => ({ ...entry })),
      response_latencies: this.#latencies.map((entry) => ({ ...entry })),
      token_usages: this.#tokenUsages.map((entry) => ({ ...entry })),
    };
  }

  /** Restores an accumulator from `toJSON` output (for example from a stored event). */
  static fromJSON(
    json: LlmMetrics,
    modelName = json.accumulated_token_usage.model || 'default',
    options: { now?: () => number } = {},
  ): LlmMetricsAccumulator {
    const metrics = new LlmMetricsAccumulator(modelName, options);
    metrics.accumulatedCost = json.accumulated_cost;
    metrics.maxBudgetPerTask = json.max_budget_per_task;
    metrics.#accumulated = { ...json.accumulated_token_usage };
    metrics.#costs = json.costs.map((entry) => ({ ...entry }));
    metrics.#latencies = json.response_latencies.map((entry) => ({ ...entry }));
    metrics.#tokenUsages = json.token_usages.map((entry) => ({ ...entry }));
    return metrics;
  }
}

function emptyUsage(model: string): TokenUsage {
  return {
    model,
    prompt_tokens: 0,
    completion_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    context_window: 0,
    per_turn_token: 0,
    response_id: '',
  };
}

/** Upstream's `TokenUsage.__add__`: sums, max context window, latest per-turn count. */
function addUsage(total: TokenUsage, usage: TokenUsage): TokenUsage {
  return {
    model: total.model,
    prompt_tokens: total.prompt_tokens + usage.prompt_tokens,
    completion_tokens: total.completion_tokens + usage.completion_tokens,
    cache_read_tokens: total.cache_read_tokens + usage.cache_read_tokens,
    cache_write_tokens: total.cache_write_tokens + usage.cache_write_tokens,
    context_window: Math.max(total.context_window, usage.context_window),
    per_turn_token: usage.per_turn_token,
    response_id: total.response_id,
  };
}
