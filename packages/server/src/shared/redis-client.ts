import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * A Redis client that fails fast while Redis is away (no offline queue, a command timeout), so
 * callers such as the rate limiter fail open at once instead of waiting for a reconnect. It keeps
 * reconnecting in the background. Connection errors are logged once per outage, not per attempt.
 */
export function createRedisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn({ err: error }, 'Redis is unreachable; retrying in the background');
  });
  redis.on('ready', () => {
    if (reported) logger.info('Redis is reachable again');
    reported = false;
  });
  return redis;
}

export async function closeRedisClient(redis: Redis | undefined): Promise<void> {
  if (redis === undefined) return;
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through: drop the connection instead.
    }
  }
  redis.disconnect();
}
