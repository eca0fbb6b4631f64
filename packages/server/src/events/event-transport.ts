import type { StoredEvent } from './event-store.js';

export type TransportListener = (conversationId: string, events: readonly StoredEvent[]) => void;

/**
 * Carries committed events to every event stream that listens to a conversation. In-process now;
 * a Redis implementation carries them between processes once Parley scales out.
 */
export interface EventTransport {
  /** Hands committed events (in id order) to every listener of the conversation. */
  publish(conversationId: string, events: readonly StoredEvent[]): void;
  /** Returns a function that stops listening. */
  listen(conversationId: string, listener: TransportListener): () => void;
  close(): Promise<void>;
}

export class InProcessEventTransport implements EventTransport {
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
