import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { rateLimitCountCap } from '../../../src/http/middleware/rate-limit/rate-limiter.js';
import { RedisRateLimitStore } from '../../../src/http/middleware/rate-limit/redis-rate-limit-store.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { createTestConfig } from '../../support/test-config.js';
import { createCapturingLogger } from '../../support/test-logger.js';
import {
  createTestRedisClient,
  deleteRedisKeys,
  redisIsAvailable,
  uniqueRedisPrefix,
} from '../../support/test-redis.js';

const available = await redisIsAvailable();

describe.runIf(available)('RedisRateLimitStore', () => {
  const clients: Redis[] = [];
  const prefixes: string[] = [];
  let admin: Redis;
  beforeAll(() => {
    admin = createTestRedisClient();
  });
  afterEach(async () => {
    for (const prefix of prefixes.splice(0)) await deleteRedisKeys(admin, prefix);
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(() => admin.disconnect());

  function createStore(prefix: string, options: { windowMs?: number; maxCountPerKey?: number }) {
    const client = createTestRedisClient();
    clients.push(client);
    return new RedisRateLimitStore({
      client,
      keyPrefix: prefix,
      windowMs: options.windowMs ?? 60_000,
      maxCountPerKey: options.maxCountPerKey ?? 100,
    });
  }

  function freshPrefix(): string {
    const prefix = uniqueRedisPrefix();
    prefixes.push(prefix);
    return prefix;
  }

  it('shares one count between two stores (two processes) on the same prefix', async () => {
    const prefix = freshPrefix();
    const first = createStore(prefix, {});
    const second = createStore(prefix, {});
    const counts = [];
    for (let index = 0; index < 3; index += 1) {
      counts.push(await first.hit('10.0.0.1'));
      counts.push(await second.hit('10.0.0.1'));
    }
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await first.hit('10.0.0.2')).toBe(1);
    expect(await createStore(freshPrefix(), {}).hit('10.0.0.1')).toBe(1);
  });

  it('keeps at most maxCountPerKey entries and lets the key expire with the window', async () => {
    const prefix = freshPrefix();
    const store = createStore(prefix, { maxCountPerKey: 3, windowMs: 60_000 });
    const counts = [];
    for (let index = 0; index < 6; index += 1) counts.push(await store.hit('flood'));
    expect(counts).toEqual([1, 2, 3, 3, 3, 3]);
    expect(await admin.zcard(`${prefix}flood`)).toBe(3);
    const ttl = await admin.pttl(`${prefix}flood`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('drops requests that left the window', async () => {
    const store = createStore(freshPrefix(), { windowMs: 1 });
    expect(await store.hit('short')).toBe(1);
    await expect.poll(() => store.hit('short'), { interval: 20 }).toBe(1);
  });

  it('sends the script again when Redis has forgotten it', async () => {
    const store = createStore(freshPrefix(), {});
    expect(await store.hit('a')).toBe(1);
    await admin.script('FLUSH');
    expect(await store.hit('a')).toBe(2);
  });

  describe('two apps sharing one Redis', () => {
    const apps: App[] = [];
    afterEach(async () => {
      for (const app of apps.splice(0)) {
        await app.close();
        rmSync(app.config.dataDirectory, { recursive: true, force: true });
      }
    });

    async function startApp(prefix: string): Promise<string> {
      const app = await createApp(createTestConfig({ PARLEY_RATE_LIMIT_PER_SECOND: '1' }), {
        logger: createSilentLogger(),
        // A long window, so the shared count does not depend on how fast the requests go.
        rateLimitStore: createStore(prefix, {
          windowMs: 60_000,
          maxCountPerKey: rateLimitCountCap(1),
        }),
      });
      apps.push(app);
      return (await app.listen()).url;
    }

    it('a client limited on one app is limited on the other', async () => {
      const prefix = freshPrefix();
      const first = await startApp(prefix);
      const second = await startApp(prefix);
      expect((await fetch(`${first}/alive`)).status).toBe(200);
      expect((await fetch(`${second}/alive`)).status).toBe(200); // paused: count 2
      const refused = await fetch(`${first}/alive`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect((await fetch(`${second}/alive`)).status).toBe(429);
    });
  });
});

describe('rate limit when Redis is down', () => {
  const apps: App[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) {
      await app.close();
      rmSync(app.config.dataDirectory, { recursive: true, force: true });
    }
  });

  it('fails open: every request is served, and a warning is logged', async () => {
    const deadPort = await unusedPort();
    const { logger, lines } = createCapturingLogger('info');
    const app = await createApp(
      createTestConfig({
        PARLEY_RATE_LIMIT_PER_SECOND: '1',
        REDIS_URL: `redis://127.0.0.1:${deadPort}`,
      }),
      { logger },
    );
    apps.push(app);
    const { url } = await app.listen();
    const statuses = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await fetch(`${url}/alive`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const warnings = lines().filter(
      (line) => line['level'] === 40 && line['module'] === 'rate-limit',
    );
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.['msg'])).toContain('allowing requests unlimited');
  });
});

/** A port nothing listens on: bound once by the system, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
