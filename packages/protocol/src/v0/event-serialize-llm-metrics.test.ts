import { describe, it, expect } from 'vitest';
import { fullMetrics, roundTrip } from '../../test/support/serialize-samples.js';
import { parseEvent } from './event-parse.js';
import { serializeEvent } from './event-serialize.js';
import type { ParleyEvent } from './parley-event.js';

describe('llm_metrics', () => {
  it('round-trips a full Metrics.get() dump', () => {
    const event: ParleyEvent = {
      id: 1,
      action: 'message',
      llm_metrics: fullMetrics,
      args: { content: 'x' },
    };
    expect(roundTrip(event)).toStrictEqual(event);
  });

  it('stays absent when absent', () => {
    const event = parseEvent({ id: 1, action: 'message', args: { content: 'x' } });
    expect(event).not.toHaveProperty('llm_metrics');
    expect(serializeEvent(event)).not.toHaveProperty('llm_metrics');
  });

  it('fills missing fields with upstream defaults', () => {
    const event = parseEvent({
      action: 'message',
      args: { content: 'x' },
      llm_metrics: { accumulated_cost: 0.5, token_usages: [{ model: 'm', prompt_tokens: 3 }] },
    });
    expect(event).toHaveProperty('llm_metrics');
    expect('llm_metrics' in event && event.llm_metrics).toStrictEqual({
      accumulated_cost: 0.5,
      max_budget_per_task: null,
      accumulated_token_usage: {
        model: '',
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
      token_usages: [
        {
          model: 'm',
          prompt_tokens: 3,
          completion_tokens: 0,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          context_window: 0,
          per_turn_token: 0,
          response_id: '',
        },
      ],
    });
  });

  it('rejects a negative accumulated cost', () => {
    expect(() =>
      parseEvent({ action: 'null', args: {}, llm_metrics: { accumulated_cost: -1 } }),
    ).toThrow('Invalid event: llm_metrics.accumulated_cost:');
  });
});
