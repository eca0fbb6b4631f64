import type { StoredEvent } from './event-store.js';

/**
 * Takes committed events of a conversation, in id order. Across processes `events` may be empty
 * with `throughId` set: the batch was too big to carry, and the log holds it up to that id.
 */
export type TransportListener = (
  conversationId: string,
  events: readonly StoredEvent[],
  throughId?: number,
) => void;

/**
 * Carries committed events to every event stream that listens to a conversation: within the
 * process (`InProcessEventTransport`), or between the processes of a cluster
 * (`RedisEventTransport`), where a message may be lost and the log stays the guarantee.
 */
export interface EventTransport {
  /**
   * True when other processes commit to the same log and their events arrive through this
   * transport: streams then read a baseline and fill gaps from the log (`StreamSequencer`).
   */
  readonly crossProcess: boolean;
  /**
   * Across processes: false while other processes' events do not arrive (Redis is away), so
   * streams should read the log often; absent means always healthy.
   */
  readonly healthy?: boolean;
  /** Hands committed events (in id order) to every listener of the conversation. */
  publish(conversationId: string, events: readonly StoredEvent[]): void;
  /** Returns a function that stops listening. */
  listen(conversationId: string, listener: TransportListener): () => void;
  close(): Promise<void>;
}

/**
 * Within one process. With `sharedLog`, other processes commit to the same log without telling
 * this one (PostgreSQL without Redis): streams then find their events by reading the log on a
 * timer (`EventStreams.catchUp`), so several processes work, at the cost of that delay.
 */
export class InProcessEventTransport implements EventTransport {
  readonly crossProcess: boolean;
  readonly healthy: boolean;

  constructor(options: { sharedLog?: boolean } = {}) {
    this.crossProcess = options.sharedLog === true;
    this.healthy = !this.crossProcess;
  }
  readonly #listeners = new Map<string, Set<TransportListener>>();

  publish(conversationId: string, events: readonly StoredEvent[]): void {
    const listeners = this.#listeners.get(conversationId);
    if (listeners === undefined || events.length === 0) return;
    for (const listener of [...listeners]) listener(conversationId, events);
  }

  listen(conversationId: string, listener: TransportListener): () => void {
    let listeners = this.#listeners.get(conversationId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(conversationId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(conversationId);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
