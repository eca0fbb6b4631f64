import { createHash, randomBytes } from 'node:crypto';
import type { RateLimitStore, RateLimitWindow } from './rate-limit-store.js';

/** The part of an ioredis client this store uses. */
export interface RedisScriptClient {
  evalsha(sha1: string, numberOfKeys: number, ...keysAndArguments: string[]): Promise<unknown>;
  eval(script: string, numberOfKeys: number, ...keysAndArguments: string[]): Promise<unknown>;
}

export interface RedisRateLimitStoreOptions extends RateLimitWindow {
  client: RedisScriptClient;
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  keyPrefix?: string;
}

export const defaultRateLimitKeyPrefix = 'parley:rate-limit:';

/**
 * One sorted set per key, scored by the time of each request, updated atomically in one script:
 * drop what left the window, add this request, trim to the cap, count, and let the key expire
 * once the window passes without a request. Time is Redis's own clock, so processes whose clocks
 * disagree still share one window.
 */
const hitScript = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local window = tonumber(ARGV[1])
local maxCount = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
local count = redis.call('ZCARD', KEYS[1])
if count > maxCount then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - maxCount - 1)
  count = maxCount
end
redis.call('PEXPIRE', KEYS[1], math.ceil(window))
return count
`;
const hitScriptSha = createHash('sha1').update(hitScript).digest('hex');

/** A rate-limit history shared by every process that talks to the same Redis. */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: RedisScriptClient;
  readonly #keyPrefix: string;
  readonly #windowMs: string;
  readonly #maxCountPerKey: string;
  /** Makes each request's set member unique across processes. */
  readonly #memberPrefix = randomBytes(6).toString('hex');
  #sequence = 0;

  constructor(options: RedisRateLimitStoreOptions) {
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be positive');
    if (!(options.maxCountPerKey >= 1)) throw new RangeError('maxCountPerKey must be at least 1');
    this.#client = options.client;
    this.#keyPrefix = options.keyPrefix ?? defaultRateLimitKeyPrefix;
    this.#windowMs = String(options.windowMs);
    this.#maxCountPerKey = String(Math.floor(options.maxCountPerKey));
  }

  async hit(key: string): Promise<number> {
    this.#sequence += 1;
    const keysAndArguments = [
      this.#keyPrefix + key,
      this.#windowMs,
      this.#maxCountPerKey,
      `${this.#memberPrefix}:${this.#sequence}`,
    ];
    let result: unknown;
    try {
      result = await this.#client.evalsha(hitScriptSha, 1, ...keysAndArguments);
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith('NOSCRIPT')) throw error;
      // First use on this Redis (or after SCRIPT FLUSH): send the script itself, which caches it.
      result = await this.#client.eval(hitScript, 1, ...keysAndArguments);
    }
    const count = Number(result);
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`rate-limit script returned ${JSON.stringify(result)}`);
    }
    return count;
  }

  /** The client belongs to whoever created it (`app.ts`), which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
