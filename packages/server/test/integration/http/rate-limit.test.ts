import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { createHttpServer } from '../../../src/http/create-http-server.js';
import { MemoryRateLimitStore } from '../../../src/http/middleware/rate-limit/memory-rate-limit-store.js';
import {
  RateLimiter,
  rateLimitCountCap,
} from '../../../src/http/middleware/rate-limit/rate-limiter.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { createTestConfig } from '../../support/test-config.js';

/** A pause the test ends by hand, so nothing depends on how long a second takes. */
interface HeldWait {
  signal: AbortSignal;
  release(): void;
  settled: boolean;
}

/**
 * A server with the rate limiter on a frozen clock (every request falls in the same window) and
 * held pauses. `/counted` answers how many times its handler ran.
 */
function createLimitedServer(options: { limit?: number; maxKeys?: number } = {}) {
  const limit = options.limit ?? 10;
  const store = new MemoryRateLimitStore({
    windowMs: 1000,
    maxCountPerKey: rateLimitCountCap(limit),
    maxKeys: options.maxKeys,
    pruneIntervalMs: 0,
    now: () => 0,
  });
  const waits: HeldWait[] = [];
  let releaseAtOnce = false;
  const wait = (_milliseconds: number, signal: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const held: HeldWait = {
        signal,
        settled: false,
        release: () => {
          held.settled = true;
          resolve();
        },
      };
      signal.addEventListener('abort', () => {
        held.settled = true;
        reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      });
      waits.push(held);
      if (releaseAtOnce) held.release();
    });
  const server = createHttpServer({
    logger: createSilentLogger(),
    rateLimit: {
      limiter: new RateLimiter({ store, limit, logger: createSilentLogger() }),
      wait,
    },
  });
  let handled = 0;
  server.get('/counted', async () => {
    handled += 1;
    return { handled };
  });
  server.post('/counted', async () => {
    handled += 1;
    return { handled };
  });
  server.get('/assets/app.js', async () => 'asset');
  return {
    server,
    store,
    waits,
    handled: () => handled,
    releaseNextWaitsAtOnce: () => {
      releaseAtOnce = true;
    },
  };
}

describe('rate limit (upstream numbers, held pauses)', () => {
  const servers: FastifyInstance[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  function track<T extends { server: FastifyInstance }>(limited: T): T {
    servers.push(limited.server);
    return limited;
  }

  it('serves 10 at once, pauses the next 10, refuses the 21st with 429 and Retry-After: 1', async () => {
    const { server, waits, handled } = track(createLimitedServer());
    for (let index = 0; index < 10; index += 1) {
      expect((await server.inject({ url: '/counted' })).statusCode).toBe(200);
    }
    expect(waits).toHaveLength(0);

    let finished = 0;
    const delayed = Array.from({ length: 10 }, () =>
      server.inject({ url: '/counted' }).then((response) => {
        finished += 1;
        return response;
      }),
    );
    await expect.poll(() => waits.length).toBe(10);
    expect(finished).toBe(0);
    expect(handled()).toBe(10);

    const refused = await server.inject({ url: '/counted' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['content-type']).toContain('application/json');
    expect(refused.json()).toEqual({ message: 'Too many requests' });
    expect(handled()).toBe(10);

    for (const held of waits) held.release();
    const responses = await Promise.all(delayed);
    expect(responses.map((response) => response.statusCode)).toEqual(Array(10).fill(200));
    expect(handled()).toBe(20);
  });

  it('a refused request carries no CORS headers, as upstream (the limiter runs first)', async () => {
    const { server, waits } = track(createLimitedServer({ limit: 1 }));
    const origin = { origin: 'http://localhost:3000' };
    const first = await server.inject({ url: '/counted', headers: origin });
    expect(first.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const second = server.inject({ url: '/counted', headers: origin });
    await expect.poll(() => waits.length).toBe(1);
    const refused = await server.inject({ url: '/counted', headers: origin });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    waits[0]?.release();
    expect((await second).statusCode).toBe(200);
  });

  it('limits each client address on its own', async () => {
    const { server, waits } = track(createLimitedServer({ limit: 1 }));
    expect((await server.inject({ url: '/counted', remoteAddress: '10.0.0.1' })).statusCode).toBe(
      200,
    );
    const paused = server.inject({ url: '/counted', remoteAddress: '10.0.0.1' });
    await expect.poll(() => waits.length).toBe(1);
    expect((await server.inject({ url: '/counted', remoteAddress: '10.0.0.1' })).statusCode).toBe(
      429,
    );
    expect((await server.inject({ url: '/counted', remoteAddress: '10.0.0.2' })).statusCode).toBe(
      200,
    );
    waits[0]?.release();
    expect((await paused).statusCode).toBe(200);
  });

  it('never limits /assets, and does not count it', async () => {
    const { server, store, waits } = track(createLimitedServer({ limit: 1 }));
    for (let index = 0; index < 30; index += 1) {
      const response = await server.inject({ url: '/assets/app.js' });
      expect(response.statusCode).toBe(200);
    }
    expect(waits).toHaveLength(0);
    expect(store.size).toBe(0);
    expect((await server.inject({ url: '/counted' })).statusCode).toBe(200);
  });

  it('remembers at most maxKeys clients', async () => {
    const { server, store } = track(createLimitedServer({ maxKeys: 3 }));
    for (let index = 1; index <= 5; index += 1) {
      await server.inject({ url: '/counted', remoteAddress: `10.0.0.${index}` });
    }
    expect(store.size).toBe(3);
  });

  it('a client that disconnects during its pause ends the pause, and its handler never runs', async () => {
    const { server, waits, handled, releaseNextWaitsAtOnce } = track(
      createLimitedServer({ limit: 2 }),
    );
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${url}/counted`)).status).toBe(200);
    expect((await fetch(`${url}/counted`)).status).toBe(200);

    const controller = new AbortController();
    const abandoned = fetch(`${url}/counted`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ some: 'body' }),
      signal: controller.signal,
    });
    await expect.poll(() => waits.length).toBe(1);
    const pause = waits[0] as HeldWait;
    expect(pause.signal.aborted).toBe(false);
    controller.abort();
    await expect(abandoned).rejects.toThrow();
    await expect.poll(() => pause.signal.aborted).toBe(true);
    expect(String((pause.signal.reason as Error).message)).toContain('client disconnected');

    // The next request (paused too, released at once) sees only its own handler run since.
    releaseNextWaitsAtOnce();
    const next = await fetch(`${url}/counted`);
    expect(next.status).toBe(200);
    expect(await next.json()).toEqual({ handled: 3 });
    expect(handled()).toBe(3);
  });

  it('closing the server ends a pause early and the paused request is still served', async () => {
    const { server, waits } = track(createLimitedServer({ limit: 1 }));
    await server.inject({ url: '/counted' });
    const paused = server.inject({ url: '/counted' });
    await expect.poll(() => waits.length).toBe(1);
    const closed = server.close();
    await expect.poll(() => waits[0]?.signal.aborted).toBe(true);
    const response = await paused;
    expect(response.statusCode).toBe(200);
    await closed;
  });
});

describe('rate limit wired by createApp', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) {
      await app.close();
      rmSync(app.config.dataDirectory, { recursive: true, force: true });
    }
  });

  it('PARLEY_RATE_LIMIT_PER_SECOND sets the limit (frozen-clock store, real pause)', async () => {
    const store = new MemoryRateLimitStore({
      windowMs: 1000,
      maxCountPerKey: rateLimitCountCap(1),
      pruneIntervalMs: 0,
      now: () => 0,
    });
    const app = await createApp(createTestConfig({ PARLEY_RATE_LIMIT_PER_SECOND: '1' }), {
      logger: createSilentLogger(),
      rateLimitStore: store,
    });
    apps.push(app);
    const { url } = await app.listen();
    const statuses = await Promise.all(
      [1, 2, 3].map(async () => (await fetch(`${url}/alive`)).status),
    );
    expect(statuses.sort()).toEqual([200, 200, 429]);
    expect(store.size).toBe(1);
  });

  it('PARLEY_RATE_LIMIT_PER_SECOND=0 turns limiting off', async () => {
    const app = await createApp(createTestConfig({ PARLEY_RATE_LIMIT_PER_SECOND: '0' }), {
      logger: createSilentLogger(),
    });
    apps.push(app);
    const { url } = await app.listen();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, async () => (await fetch(`${url}/alive`)).status),
    );
    expect(statuses).toEqual(Array(50).fill(200));
  });

  it("defaults to upstream's 10 per second", () => {
    const config = createTestConfig({ PARLEY_RATE_LIMIT_PER_SECOND: undefined });
    expect(config.rateLimit.requestsPerSecond).toBe(10);
    rmSync(config.dataDirectory, { recursive: true, force: true });
  });
});
