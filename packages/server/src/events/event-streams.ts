import type { Logger } from '../shared/logger.js';
import type { EventStore } from './event-store.js';
import { EventStream } from './event-stream.js';
import type { EventTransport } from './event-transport.js';

/** Hands out one EventStream per conversation and closes them all at shutdown. */
export class EventStreams {
  readonly #store: EventStore;
  readonly #transport: EventTransport;
  readonly #logger: Logger;
  readonly #streams = new Map<string, EventStream>();

  constructor(options: { store: EventStore; transport: EventTransport; logger: Logger }) {
    this.#store = options.store;
    this.#transport = options.transport;
    this.#logger = options.logger;
  }

  get(conversationId: string): EventStream {
    let stream = this.#streams.get(conversationId);
    if (stream === undefined) {
      stream = new EventStream({
        conversationId,
        store: this.#store,
        transport: this.#transport,
        logger: this.#logger,
      });
      this.#streams.set(conversationId, stream);
    }
    return stream;
  }

  async release(conversationId: string): Promise<void> {
    const stream = this.#streams.get(conversationId);
    if (stream === undefined) return;
    this.#streams.delete(conversationId);
    await stream.close();
  }

  /**
   * Removes a conversation's events and closes its stream, so that a stream created afterwards starts
   * from id 0 again instead of dropping the reused ids as already published.
   */
  async deleteConversation(conversationId: string): Promise<number> {
    await this.release(conversationId);
    return this.#store.deleteConversation(conversationId);
  }

  async close(): Promise<void> {
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    await Promise.all(streams.map((stream) => stream.close()));
  }
}
