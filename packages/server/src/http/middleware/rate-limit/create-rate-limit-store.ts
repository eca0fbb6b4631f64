/**
 * The rate limit's counters for the configuration: none when the limit is off, Redis when
 * `REDIS_URL` is set (shared by every process), else in memory; `close` ends the store and the
 * Redis client it opened.
 */
import type { Logger } from '../../../shared/logger.js';
import { closeRedisClient, createRedisClient } from '../../../shared/redis-client.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import { rateLimitCountCap } from './rate-limiter.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

export interface RateLimitStoreChoice {
  readonly store: RateLimitStore | undefined;
  close(): Promise<void>;
}

export function createRateLimitStore(options: {
  requestsPerSecond: number;
  redisUrl: string | undefined;
  /** A store given by the caller (tests) replaces the configured one. */
  override: RateLimitStore | undefined;
  logger: Logger;
}): RateLimitStoreChoice {
  const { requestsPerSecond, redisUrl, override } = options;
  if (requestsPerSecond === 0) return { store: undefined, close: () => Promise.resolve() };
  if (override !== undefined) return { store: override, close: () => override.close() };
  const window = { windowMs: 1000, maxCountPerKey: rateLimitCountCap(requestsPerSecond) };
  if (redisUrl === undefined) {
    const store = new MemoryRateLimitStore(window);
    return { store, close: () => store.close() };
  }
  const redis = createRedisClient(redisUrl, options.logger.child({ module: 'redis' }));
  const store = new RedisRateLimitStore({ ...window, client: redis });
  return {
    store,
    close: async () => {
      await store.close();
      await closeRedisClient(redis);
    },
  };
}
