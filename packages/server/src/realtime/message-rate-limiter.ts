export interface MessageRateLimiterOptions {
  /** Messages per second, sustained. */
  perSecond: number;
  /** Messages allowed at once on a fresh or rested connection. */
  burst: number;
  /** Milliseconds since some fixed point; `performance.now` by default. */
  now?: () => number;
}

/** One function for every limiter, not a closure each. */
const performanceNow = (): number => performance.now();

/** What to do with one client message. */
export type RateDecision = 'accept' | 'reject' | 'disconnect';

/**
 * A token bucket per connection. A message over the rate is rejected (the client gets an error
 * frame); once as many messages as the burst have been rejected without the client slowing down in
 * between, the flood is sustained and the connection is dropped.
 */
export class MessageRateLimiter {
  readonly #perMillisecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  #rejectedInARow = 0;

  constructor(options: MessageRateLimiterOptions) {
    this.#perMillisecond = options.perSecond / 1000;
    this.#burst = options.burst;
    this.#now = options.now ?? performanceNow;
    this.#tokens = options.burst;
    this.#updatedAt = this.#now();
  }

  take(): RateDecision {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + (now - this.#updatedAt) * this.#perMillisecond,
    );
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#rejectedInARow = 0;
      return 'accept';
    }
    this.#rejectedInARow += 1;
    return this.#rejectedInARow >= this.#burst ? 'disconnect' : 'reject';
  }
}
