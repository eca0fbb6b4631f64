import { describe, expect, it } from 'vitest';
import { LlmMetricsAccumulator } from './llm-metrics-accumulator.js';

const now = () => 1_700_000_000;

describe('LlmMetricsAccumulator', () => {
  it('starts in upstream’s llm_metrics shape', () => {
    expect(new LlmMetricsAccumulator('openai/gpt-4o', { now }).toJSON()).toEqual({
      accumulated_cost: 0,
      max_budget_per_task: null,
      accumulated_token_usage: {
        model: 'openai/gpt-4o',
        prompt_tokens: 0,
        completion_tokens: 0,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        context_window: 0,
        per_turn_token: 0,
        response_id: '',
      },
      costs: [],
      response_latencies: [],
      token_usages: [],
    });
  });

  it('refuses negative costs', () => {
    const metrics = new LlmMetricsAccumulator();
    expect(() => metrics.addCost(-1)).toThrow('Added cost cannot be negative.');
    expect(() => {
      metrics.accumulatedCost = -1;
    }).toThrow('Total cost cannot be negative.');
  });

  it('tracks latency with the response id, clipping negatives to 0 (test_response_latency_tracking)', () => {
    const metrics = new LlmMetricsAccumulator('m');
    metrics.addResponseLatency(2.5, 'test-response-123');
    metrics.addResponseLatency(-0.1, 'negative');
    expect(metrics.toJSON().response_latencies).toEqual([
      { model: 'm', latency: 2.5, response_id: 'test-response-123' },
      { model: 'm', latency: 0, response_id: 'negative' },
    ]);
  });

  it('accumulates tokens: sums, max context window, latest per-turn count', () => {
    const metrics = new LlmMetricsAccumulator('m');
    metrics.addTokenUsage({
      promptTokens: 10,
      completionTokens: 5,
      cacheReadTokens: 3,
      cacheWriteTokens: 2,
      contextWindow: 4096,
      responseId: 'a',
    });
    metrics.addTokenUsage({
      promptTokens: 8,
      completionTokens: 6,
      cacheReadTokens: 2,
      cacheWriteTokens: 1,
      contextWindow: 2048,
      responseId: 'b',
    });
    const json = metrics.toJSON();
    expect(json.accumulated_token_usage).toEqual({
      model: 'm',
      prompt_tokens: 18,
      completion_tokens: 11,
      cache_read_tokens: 5,
      cache_write_tokens: 3,
      context_window: 4096,
      per_turn_token: 14,
      response_id: '',
    });
    expect(json.token_usages.map((usage) => [usage.response_id, usage.per_turn_token])).toEqual([
      ['a', 15],
      ['b', 14],
    ]);
  });

  it('adds a whole call, merges, copies and round-trips through JSON', () => {
    const metrics = new LlmMetricsAccumulator('m', { now });
    metrics.addCall({
      model: 'm',
      responseId: 'r1',
      usage: {
        promptTokens: 100,
        completionTokens: 20,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 4,
      },
      cost: 0.25,
      latencyMs: 1500,
      timeToFirstTokenMs: 200,
      contextWindow: 0,
    });
    expect(metrics.toJSON()).toMatchObject({
      accumulated_cost: 0.25,
      costs: [{ model: 'm', cost: 0.25, timestamp: 1_700_000_000 }],
      response_latencies: [{ latency: 1.5, response_id: 'r1' }],
      token_usages: [{ prompt_tokens: 100, completion_tokens: 20, response_id: 'r1' }],
    });
    const copy = metrics.copy();
    copy.addCost(1);
    expect(metrics.accumulatedCost).toBe(0.25);
    const total = new LlmMetricsAccumulator('m');
    total.merge(metrics);
    total.merge(copy);
    expect(total.accumulatedCost).toBeCloseTo(1.5);
    expect(total.accumulatedTokenUsage.prompt_tokens).toBe(200);
    expect(LlmMetricsAccumulator.fromJSON(metrics.toJSON()).toJSON()).toEqual(metrics.toJSON());
  });
});
