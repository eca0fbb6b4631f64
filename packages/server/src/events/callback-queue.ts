import type { Logger } from '../shared/logger.js';
import type { StoredEvent } from './event-store.js';

/** Events a callback may fall behind by before it is dropped. */
export const defaultMaxPending = 10_000;

export type EventCallback = (event: StoredEvent) => void | Promise<void>;

/**
 * One subscriber callback's private queue: events are handed over strictly in order, one at a time,
 * and the next waits for the previous callback (or its promise) to finish. The publisher only pushes,
 * so a slow or failing callback holds up nobody but itself.
 */
export class CallbackQueue {
  readonly #callback: EventCallback;
  readonly #logger: Logger;
  #events: StoredEvent[] = [];
  #head = 0;
  #running = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  readonly #maxPending: number;
  readonly #onOverflow: () => void;

  /**
   * `maxPending` bounds the memory a stuck callback can pin: past it the queue closes itself and calls
   * `onOverflow` (the stream then unsubscribes the callback and logs it).
   */
  constructor(
    callback: EventCallback,
    logger: Logger,
    options: { maxPending?: number; onOverflow?: () => void } = {},
  ) {
    this.#callback = callback;
    this.#logger = logger;
    this.#maxPending = options.maxPending ?? defaultMaxPending;
    this.#onOverflow = options.onOverflow ?? (() => undefined);
  }

  get pendingCount(): number {
    return this.#events.length - this.#head;
  }

  push(events: readonly StoredEvent[]): void {
    if (this.#closed) return;
    if (this.pendingCount + events.length > this.#maxPending) {
      this.close();
      this.#onOverflow();
      return;
    }
    for (const event of events) this.#events.push(event);
    if (!this.#running) {
      this.#running = true;
      setImmediate(() => void this.#drain());
    }
  }

  /** Stops taking events; pending ones are dropped once the running callback returns. */
  close(): void {
    this.#closed = true;
    this.#events = [];
    this.#head = 0;
    if (!this.#running) this.#notifyIdle();
  }

  /** Resolves when every pushed event has been handled. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #drain(): Promise<void> {
    while (this.#head < this.#events.length) {
      const event = this.#events[this.#head] as StoredEvent;
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
        this.#events = this.#events.slice(this.#head);
        this.#head = 0;
      }
      try {
        await this.#callback(event);
      } catch (error) {
        this.#logger.error({ err: error, eventId: event.id }, 'event callback failed');
      }
    }
    this.#events = [];
    this.#head = 0;
    this.#running = false;
    this.#notifyIdle();
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
