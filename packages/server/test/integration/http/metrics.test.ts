import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { messageAction } from '../../support/event-fixtures.js';
import { createTestConfig } from '../../support/test-config.js';

describe('GET /metrics', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) {
      await app.close();
      rmSync(app.config.dataDirectory, { recursive: true, force: true });
    }
  });

  async function createTestApp(): Promise<App> {
    const app = await createApp(createTestConfig(), { logger: createSilentLogger() });
    apps.push(app);
    return app;
  }

  it('reports request latency by route pattern, method and status', async () => {
    const app = await createTestApp();
    app.http.get('/things/:thingId', async () => ({ ok: true }));
    await app.http.inject({ url: '/things/first' });
    await app.http.inject({ url: '/things/second' });
    await app.http.inject({ url: '/alive' });
    await app.http.inject({ url: '/no/such/path/42' });

    const response = await app.http.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.headers['content-type']).toContain('version=0.0.4');
    const body = response.body;
    expect(body).toContain('# TYPE parley_http_request_duration_seconds histogram');
    expect(body).toContain(
      'parley_http_request_duration_seconds_count{method="GET",route="/things/:thingId",status_code="200"} 2',
    );
    expect(body).toMatch(
      /parley_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/alive",status_code="200"\} 1/,
    );
    expect(body).toContain(
      'parley_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1',
    );
    // Raw URLs never become labels.
    expect(body).not.toContain('/things/first');
    expect(body).not.toContain('/no/such/path/42');
  });

  it('counts appended events and shows the process metrics', async () => {
    const app = await createTestApp();
    await app.eventStreams.get('metrics').append([messageAction('one'), messageAction('two')]);
    await app.eventStore.append('metrics', [messageAction('three')]);
    const body = (await app.http.inject({ url: '/metrics' })).body;
    expect(body).toContain('parley_events_appended_total 3');
    expect(body).toContain('parley_open_sockets 0');
    expect(body).toContain('process_resident_memory_bytes');
  });

  it('records LLM and socket figures the other layers report', async () => {
    const app = await createTestApp();
    app.metrics.setOpenSockets(2);
    app.metrics.recordLlmCall({ provider: 'demo', model: 'demo', outcome: 'success' });
    const body = (await app.http.inject({ url: '/metrics' })).body;
    expect(body).toContain('parley_open_sockets 2');
    expect(body).toContain(
      'parley_llm_calls_total{provider="demo",model="demo",outcome="success"} 1',
    );
  });
});
