import type { RateLimitStore, RateLimitWindow } from './rate-limit-store.js';

export interface MemoryRateLimitStoreOptions extends RateLimitWindow {
  /** Most keys (client addresses) remembered; beyond it the least recently seen is dropped. */
  maxKeys?: number;
  /** How often keys without a request inside the window are dropped; 0 turns the timer off. */
  pruneIntervalMs?: number;
  /** A monotonic clock in milliseconds (default `performance.now`). Tests inject their own. */
  now?: () => number;
}

const defaultMaxKeys = 10_000;
const defaultPruneIntervalMs = 60_000;

/**
 * A sliding-window request history in one process. Memory is bounded three ways: at most
 * `maxCountPerKey` timestamps per key, at most `maxKeys` keys (the one seen least recently goes
 * first), and keys that went quiet are dropped by a timer that never keeps the process alive.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windowMs: number;
  readonly #maxCountPerKey: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Timestamps per key, oldest first. Map order is "least recently hit first". */
  readonly #history = new Map<string, number[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryRateLimitStoreOptions) {
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be positive');
    if (!(options.maxCountPerKey >= 1)) throw new RangeError('maxCountPerKey must be at least 1');
    this.#windowMs = options.windowMs;
    this.#maxCountPerKey = options.maxCountPerKey;
    this.#maxKeys = Math.max(1, options.maxKeys ?? defaultMaxKeys);
    this.#now = options.now ?? (() => performance.now());
    const pruneIntervalMs = options.pruneIntervalMs ?? defaultPruneIntervalMs;
    if (pruneIntervalMs > 0) {
      this.#timer = setInterval(() => this.prune(), pruneIntervalMs);
      this.#timer.unref();
    }
  }

  /** How many keys are remembered now. */
  get size(): number {
    return this.#history.size;
  }

  hit(key: string): Promise<number> {
    return Promise.resolve(this.hitNow(key));
  }

  /** The synchronous core of `hit`. */
  hitNow(key: string): number {
    const now = this.#now();
    const cutoff = now - this.#windowMs;
    const timestamps = this.#history.get(key) ?? [];
    // Move the key to the end: the map stays ordered by the time of each key's last request.
    this.#history.delete(key);
    let expired = 0;
    while (expired < timestamps.length && (timestamps[expired] as number) <= cutoff) expired += 1;
    // Keeping only the newest `maxCountPerKey` keeps every count up to the cap exact.
    const overflow = timestamps.length - expired + 1 - this.#maxCountPerKey;
    timestamps.splice(0, expired + Math.max(0, overflow));
    timestamps.push(now);
    this.#history.set(key, timestamps);
    while (this.#history.size > this.#maxKeys) {
      const stalest = this.#history.keys().next().value as string;
      this.#history.delete(stalest);
    }
    return timestamps.length;
  }

  /** Drops every key whose newest request has left the window. */
  prune(): void {
    const cutoff = this.#now() - this.#windowMs;
    for (const [key, timestamps] of this.#history) {
      // Keys are ordered by last request, so the first one still in the window ends the sweep.
      if ((timestamps[timestamps.length - 1] ?? -Infinity) > cutoff) break;
      this.#history.delete(key);
    }
  }

  close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#history.clear();
    return Promise.resolve();
  }
}
