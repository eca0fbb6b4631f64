/**
 * Where the rate limiter keeps its request history. One implementation per technology, chosen in
 * `app.ts`: `MemoryRateLimitStore` for one process, `RedisRateLimitStore` when several processes
 * share a limit.
 */
export interface RateLimitStore {
  /**
   * Counts one request for `key` now and resolves to the number of requests for `key` inside the
   * sliding window that ends now, this one included. A store may cap the count at its
   * `maxCountPerKey`, so one flooding client costs bounded memory; the cap is set above every
   * threshold the limiter compares against, so capping never changes a decision.
   */
  hit(key: string): Promise<number>;
  /** Releases timers and memory. Does not close a client the store was given. */
  close(): Promise<void>;
}

/** The window every store is built with. */
export interface RateLimitWindow {
  /** Length of the sliding window, in milliseconds. */
  windowMs: number;
  /** Most requests remembered per key. */
  maxCountPerKey: number;
}
