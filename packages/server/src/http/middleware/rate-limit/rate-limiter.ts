import { describeError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import type { RateLimitStore } from './rate-limit-store.js';

/** What to do with one request: serve it, serve it after a pause, or refuse it. */
export type RateLimitDecision = 'allow' | 'delay' | 'reject';

/**
 * Upstream's rule (`InMemoryRateLimiter`): with `count` requests in the window, this one included,
 * up to `limit` pass, up to twice `limit` pass after a pause, and beyond that are refused.
 */
export function decideRateLimit(count: number, limit: number): RateLimitDecision {
  if (count > 2 * limit) return 'reject';
  if (count > limit) return 'delay';
  return 'allow';
}

/** The count a store must be able to report for every decision to come out right. */
export function rateLimitCountCap(limit: number): number {
  return 2 * limit + 1;
}

export interface RateLimiterOptions {
  store: RateLimitStore;
  /** Requests per window served without a pause. */
  limit: number;
  logger: Logger;
  /** Least time between two warnings about a failing store, in ms (default 30 s). */
  warningIntervalMs?: number;
  now?: () => number;
}

/**
 * Counts each request in the store and decides. When the store fails (Redis down), requests are
 * allowed — an outage of the limiter must not become an outage of the API — and a warning is
 * logged at most once per `warningIntervalMs`, with how many failures it stands for.
 */
export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #limit: number;
  readonly #logger: Logger;
  readonly #warningIntervalMs: number;
  readonly #now: () => number;
  #failing = false;
  #lastWarningAt = -Infinity;
  #unreportedFailures = 0;

  constructor(options: RateLimiterOptions) {
    if (!(Number.isInteger(options.limit) && options.limit >= 1)) {
      throw new RangeError('limit must be a positive integer');
    }
    this.#store = options.store;
    this.#limit = options.limit;
    this.#logger = options.logger;
    this.#warningIntervalMs = options.warningIntervalMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
  }

  get limit(): number {
    return this.#limit;
  }

  async check(key: string): Promise<RateLimitDecision> {
    let count: number;
    try {
      count = await this.#store.hit(key);
    } catch (error) {
      this.#reportFailure(error);
      return 'allow';
    }
    if (this.#failing) {
      this.#failing = false;
      this.#unreportedFailures = 0;
      this.#logger.info('rate-limit store answers again; limiting resumed');
    }
    return decideRateLimit(count, this.#limit);
  }

  #reportFailure(error: unknown): void {
    this.#failing = true;
    this.#unreportedFailures += 1;
    const now = this.#now();
    if (now - this.#lastWarningAt < this.#warningIntervalMs) return;
    this.#lastWarningAt = now;
    this.#logger.warn(
      { err: error, failures: this.#unreportedFailures },
      `rate-limit store failed (${describeError(error)}); allowing requests unlimited until it answers`,
    );
    this.#unreportedFailures = 0;
  }
}
