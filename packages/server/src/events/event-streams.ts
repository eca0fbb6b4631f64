import type { Logger } from '../shared/logger.js';
import type { EventStore } from './event-store.js';
import { EventStream } from './event-stream.js';
import type { EventTransport } from './event-transport.js';

/** A stream kept in use (and so with its secrets) until `release` is called; see `acquire`. */
export interface EventStreamLease {
  readonly stream: EventStream;
  /** Ends the hold; idempotent. */
  release(): void;
}

/**
 * The one owner of per-conversation event state: hands out one `EventStream` per conversation
 * (its callbacks, its transport listener, its secrets) and releases it, together with what the
 * store caches for the conversation, as soon as nothing uses it: no callback (the realtime hub
 * unsubscribes when its last client leaves), no append in flight, no lease (an agent loop holds
 * one while it exists). The next user gets a fresh stream, which takes its secrets again from
 * that user and, for a reader, catches up from the log (`EventStream.settled`).
 */
export class EventStreams {
  readonly #store: EventStore;
  readonly #transport: EventTransport;
  readonly #logger: Logger;
  readonly #streams = new Map<string, EventStream>();
  /** Streams handed out by `get` whose first use is yet to come (checked on the next microtask). */
  readonly #unchecked = new Set<EventStream>();
  readonly #catchUpTimer: NodeJS.Timeout | undefined;
  #catchingUp = false;

  /**
   * `catchUpIntervalMs` (cross-process transports only; default 1000, 0: never): how often every
   * stream with a callback reads the log's head to deliver what the transport lost while the
   * transport is unhealthy (ten times less often while it is healthy).
   */
  constructor(options: {
    store: EventStore;
    transport: EventTransport;
    logger: Logger;
    catchUpIntervalMs?: number;
  }) {
    this.#store = options.store;
    this.#transport = options.transport;
    this.#logger = options.logger;
    const interval = options.catchUpIntervalMs ?? 1000;
    if (options.transport.crossProcess && interval > 0) {
      let tick = 0;
      // While the transport is healthy a lost message is rare: look ten times less often.
      this.#catchUpTimer = setInterval(() => {
        tick++;
        if (options.transport.healthy === false || tick % 10 === 0) void this.catchUp();
      }, interval);
      this.#catchUpTimer.unref();
    }
  }

  /**
   * Every stream that has a callback reads the log's head and delivers what it missed (one round
   * at a time; a call during a round does nothing). For a cross-process transport: on a timer, and
   * when the transport reconnects after messages may have been lost.
   */
  async catchUp(): Promise<void> {
    if (this.#catchingUp) return;
    this.#catchingUp = true;
    try {
      const streams = [...this.#streams.values()].filter((stream) => stream.callbackCount > 0);
      await Promise.all(streams.map((stream) => stream.catchUp()));
    } finally {
      this.#catchingUp = false;
    }
  }

  /**
   * The conversation's stream, for use in the same synchronous step (subscribe, or start an
   * append): one left unused is released on the next microtask. Hold it with `acquire` to keep it
   * across awaits.
   */
  get(conversationId: string): EventStream {
    let stream = this.#streams.get(conversationId);
    if (stream === undefined) {
      stream = new EventStream({
        conversationId,
        store: this.#store,
        transport: this.#transport,
        logger: this.#logger,
        onUnused: (unused) => this.#releaseIfUnused(unused),
      });
      this.#streams.set(conversationId, stream);
    }
    if (!stream.inUse && !this.#unchecked.has(stream)) {
      const handedOut = stream;
      this.#unchecked.add(handedOut);
      queueMicrotask(() => {
        this.#unchecked.delete(handedOut);
        this.#releaseIfUnused(handedOut);
      });
    }
    return stream;
  }

  /** The conversation's stream, kept in use until the lease is released. */
  acquire(conversationId: string): EventStreamLease {
    const stream = this.get(conversationId);
    return { stream, release: stream.hold() };
  }

  /** Conversations whose stream is open now. */
  get openCount(): number {
    return this.#streams.size;
  }

  /**
   * Removes a conversation's events and closes its stream, so that a stream created afterwards starts
   * from id 0 again instead of dropping the reused ids as already published.
   */
  async deleteConversation(conversationId: string): Promise<number> {
    const stream = this.#streams.get(conversationId);
    if (stream !== undefined) this.#release(stream);
    return this.#store.deleteConversation(conversationId);
  }

  async close(): Promise<void> {
    clearInterval(this.#catchUpTimer);
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    await Promise.all(streams.map((stream) => stream.close()));
  }

  #releaseIfUnused(stream: EventStream): void {
    if (stream.inUse || this.#streams.get(stream.conversationId) !== stream) return;
    this.#release(stream);
  }

  #release(stream: EventStream): void {
    this.#streams.delete(stream.conversationId);
    this.#unchecked.delete(stream);
    void stream.close();
    this.#store.forget(stream.conversationId);
  }
}
