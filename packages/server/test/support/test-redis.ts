import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Redis for tests, at PARLEY_TEST_REDIS_URL (default redis://127.0.0.1:6379). Locally an absent
 * server skips the Redis suites with a visible notice; with CI=true it fails the run instead.
 */
export const testRedisUrl = process.env['PARLEY_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

export async function redisIsAvailable(): Promise<boolean> {
  const client = new Redis(testRedisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
  });
  client.on('error', () => undefined);
  let available: boolean;
  try {
    await client.connect();
    available = (await client.ping()) === 'PONG';
  } catch {
    available = false;
  } finally {
    client.disconnect();
  }
  if (!available) {
    if (isCi)
      throw new Error(`Redis is not reachable at ${testRedisUrl}, and CI=true forbids skipping`);
    console.warn(
      `\n*** NOTICE: Redis is not reachable at ${testRedisUrl}: its suites are SKIPPED. ***\n`,
    );
  }
  return available;
}

/** A fresh client; the caller closes it. */
export function createTestRedisClient(): Redis {
  return new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
}

/** A key prefix no other test (or test process) uses. */
export function uniqueRedisPrefix(): string {
  return `parley-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteRedisKeys(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
}
