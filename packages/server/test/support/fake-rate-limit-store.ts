import type { RateLimitStore } from '../../src/http/middleware/rate-limit/rate-limit-store.js';

/** A rate-limit store whose answers the test scripts: a count, or an error (a Redis outage). */
export class ScriptedRateLimitStore implements RateLimitStore {
  readonly keys: string[] = [];
  #next: number | Error = 1;

  /** Every following `hit` resolves to `count`. */
  answer(count: number): void {
    this.#next = count;
  }

  /** Every following `hit` rejects with `error`. */
  fail(error: Error): void {
    this.#next = error;
  }

  hit(key: string): Promise<number> {
    this.keys.push(key);
    const next = this.#next;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
