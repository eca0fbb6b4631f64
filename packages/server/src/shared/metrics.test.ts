import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('renders every Parley metric in Prometheus text format', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeHttpRequest({ method: 'GET', route: '/api/x/:id', statusCode: 200 }, 0.02);
    metrics.setOpenSockets(3);
    metrics.recordEventsAppended(5);
    metrics.recordEventsAppended(2);
    const llm = { provider: 'openai', model: 'gpt-4o' };
    metrics.recordLlmCall({ ...llm, outcome: 'success' });
    metrics.recordLlmCall({ ...llm, outcome: 'error' });
    metrics.recordLlmRetry(llm);
    metrics.recordLlmCost(llm, 0.25);
    metrics.recordLlmTokens({ ...llm, kind: 'prompt' }, 100);
    metrics.recordLlmTokens({ ...llm, kind: 'completion' }, 20);

    const { contentType, body } = await metrics.render();
    expect(contentType).toContain('text/plain');
    expect(body).toContain(
      'parley_http_request_duration_seconds_count{method="GET",route="/api/x/:id",status_code="200"} 1',
    );
    expect(body).toContain('parley_open_sockets 3');
    expect(body).toContain('parley_events_appended_total 7');
    expect(body).toContain(
      'parley_llm_calls_total{provider="openai",model="gpt-4o",outcome="success"} 1',
    );
    expect(body).toContain(
      'parley_llm_calls_total{provider="openai",model="gpt-4o",outcome="error"} 1',
    );
    expect(body).toContain('parley_llm_retries_total{provider="openai",model="gpt-4o"} 1');
    expect(body).toContain('parley_llm_cost_usd_total{provider="openai",model="gpt-4o"} 0.25');
    expect(body).toContain(
      'parley_llm_tokens_total{provider="openai",model="gpt-4o",kind="prompt"} 100',
    );
    expect(body).toContain(
      'parley_llm_tokens_total{provider="openai",model="gpt-4o",kind="completion"} 20',
    );
    expect(body).not.toContain('process_cpu_seconds_total');
  });

  it('ignores values a counter cannot take instead of throwing', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const llm = { provider: 'demo', model: 'demo' };
    expect(() => metrics.recordLlmCost(llm, -1)).not.toThrow();
    expect(() => metrics.recordLlmCost(llm, Number.NaN)).not.toThrow();
    expect(() => metrics.recordLlmTokens({ ...llm, kind: 'prompt' }, -5)).not.toThrow();
    expect(() => metrics.recordEventsAppended(0)).not.toThrow();
    const { body } = await metrics.render();
    expect(body).not.toMatch(/parley_llm_cost_usd_total\{/);
    expect(body).toContain('parley_events_appended_total 0');
  });

  it('gives each instance its own registry, with default process metrics', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.recordEventsAppended(4);
    expect(first.registry).not.toBe(second.registry);
    expect((await first.render()).body).toContain('parley_events_appended_total 4');
    const secondBody = (await second.render()).body;
    expect(secondBody).toContain('parley_events_appended_total 0');
    expect(secondBody).toContain('process_cpu_seconds_total');
    expect(secondBody).toContain('nodejs_heap_size_used_bytes');
  });
});
