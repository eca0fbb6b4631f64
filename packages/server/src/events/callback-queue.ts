import type { Logger } from '../shared/logger.js';
import type { StoredEvent } from './event-store.js';

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

  constructor(callback: EventCallback, logger: Logger) {
    this.#callback = callback;
    this.#logger = logger;
  }

  get pendingCount(): number {
    return this.#events.length - this.#head;
  }

  push(events: readonly StoredEvent[]): void {
    if (this.#closed) return;
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
