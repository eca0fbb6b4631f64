import type { ManagerTimers } from '../../src/conversations/conversation-manager.js';

/** A clock and interval timers that move only when a test says so. */
export class ManualClock implements ManagerTimers {
  nowMs = Date.parse('2026-01-01T00:00:00Z');
  readonly #intervals = new Map<number, () => void>();
  #next = 0;

  readonly now = (): number => this.nowMs;

  setInterval(callback: () => void): unknown {
    this.#next += 1;
    this.#intervals.set(this.#next, callback);
    return this.#next;
  }

  clearInterval(handle: unknown): void {
    this.#intervals.delete(handle as number);
  }

  get intervalCount(): number {
    return this.#intervals.size;
  }

  /** Moves the clock on and fires every interval once (one cleanup round). */
  advance(milliseconds: number): void {
    this.nowMs += milliseconds;
    for (const callback of this.#intervals.values()) callback();
  }
}
