import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { InProcessEventTransport } from '../../src/events/event-transport.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { messageAction } from '../support/event-fixtures.js';
import { ScriptedRateLimitStore } from '../support/fake-rate-limit-store.js';
import { createTestConfig } from '../support/test-config.js';

/** A transport whose close never finishes (a stuck connection), recording that it began. */
class StuckTransport extends InProcessEventTransport {
  constructor(private readonly steps: string[]) {
    super();
  }

  override close(): Promise<void> {
    this.steps.push('event transport: closing');
    return new Promise(() => {});
  }
}

describe('app', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) {
      await app.close();
      rmSync(app.config.dataDirectory, { recursive: true, force: true });
    }
  });

  async function startApp(): Promise<{ app: App; url: string }> {
    const app = await createApp(createTestConfig(), { logger: createSilentLogger() });
    apps.push(app);
    const { url } = await app.listen();
    return { app, url };
  }

  it('answers /alive and /health over real HTTP', async () => {
    const { url } = await startApp();
    const alive = await fetch(`${url}/alive`);
    expect(alive.status).toBe(200);
    expect(await alive.json()).toEqual({ status: 'ok' });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toBe('OK');
  });

  it('answers an unknown path with a JSON 404', async () => {
    const { url } = await startApp();
    const response = await fetch(`${url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
  });

  it('wires the event stream to the store: an append reaches a subscriber', async () => {
    const { app } = await startApp();
    const stream = app.eventStreams.get('wired');
    const received = new Promise<number>((resolve) =>
      stream.subscribe('test', 'one', (event) => resolve(event.id)),
    );
    await stream.append([messageAction('hello')]);
    expect(await received).toBe(0);
  });

  it('close flushes accepted appends, then closes the database; a second close is harmless', async () => {
    const { app } = await startApp();
    const pending = Array.from({ length: 50 }, (_, index) =>
      app.eventStore.append('flushed', [messageAction(`m${index}`)]),
    );
    await app.close();
    const results = await Promise.all(pending);
    expect(results.flat().map((event) => event.id)).toEqual(
      Array.from({ length: 50 }, (_, index) => index),
    );
    await expect(app.close()).resolves.toBeUndefined();
    await expect(app.eventStore.append('flushed', [messageAction('late')])).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
    // Reopen the same data directory: every acknowledged event is there.
    const reopened = await createApp(app.config, { logger: createSilentLogger() });
    apps.push(reopened);
    expect(await reopened.eventStore.latestId('flushed')).toBe(49);
  });

  it('a part that never finishes closing does not hold up shutdown: the rest closes, the error names it', async () => {
    const steps: string[] = [];
    const config = createTestConfig({
      PARLEY_SHUTDOWN_TIMEOUT_MS: '200',
      PARLEY_RATE_LIMIT_PER_SECOND: '10',
    });
    const opened = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDirectory: config.dataDirectory,
      logger: createSilentLogger(),
    });
    const rateLimitStore = new ScriptedRateLimitStore();
    rateLimitStore.close = async () => {
      steps.push('rate-limit store: closed');
    };
    const app = await createApp(config, {
      logger: createSilentLogger(),
      transport: new StuckTransport(steps),
      rateLimitStore,
      database: {
        ...opened,
        close: async () => {
          await opened.close();
          steps.push('database: closed');
        },
      },
    });
    const stream = app.eventStreams.get('open');
    stream.subscribe('test', 'one', () => {});

    await expect(app.close()).rejects.toMatchObject({
      code: 'OPERATION_TIMEOUT',
      message: 'Still closing after 100 ms: event transport',
    });
    // The stuck part began closing, the others finished, and the database closed after them.
    expect(steps).toEqual([
      'rate-limit store: closed',
      'event transport: closing',
      'database: closed',
    ]);
    await expect(stream.append([messageAction('late')])).rejects.toMatchObject({
      code: 'STORE_CLOSED',
      message: 'The event stream is closed',
    });
    rmSync(config.dataDirectory, { recursive: true, force: true });
  });
});
