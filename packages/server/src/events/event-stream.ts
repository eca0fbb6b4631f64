import { ParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { CallbackQueue, type EventCallback } from './callback-queue.js';
import type { AppendOptions, EventStore, NewEvent, StoredEvent } from './event-store.js';
import type { EventTransport } from './event-transport.js';
import { SecretMasker } from './secret-masker.js';
import { StreamSequencer } from './stream-sequencer.js';

export interface EventStreamOptions {
  conversationId: string;
  store: EventStore;
  transport: EventTransport;
  logger: Logger;
  /** Events one callback may fall behind by before it is unsubscribed (default 10,000). */
  maxPendingPerCallback?: number;
  /**
   * Called when the stream stops being in use (no callback, no append in flight, no hold), so its
   * owner can release it.
   */
  onUnused?: (stream: EventStream) => void;
}

/**
 * One conversation's publish/subscribe stream (upstream's EventStream). `append` masks secrets and
 * persists; the store's commit hook publishes through the transport, which calls `publish` here, so
 * subscribers only ever see committed events. Each (subscriber, callback) pair has its own queue.
 * It is in use while it has a callback, an append in flight or a hold (`hold`); `EventStreams`
 * releases it once it is not.
 */
export class EventStream {
  readonly conversationId: string;
  readonly #store: EventStore;
  readonly #logger: Logger;
  readonly #masker = new SecretMasker();
  /** subscriberId → callbackId → queue. */
  readonly #subscribers = new Map<string, Map<string, CallbackQueue>>();
  readonly #stopListening: () => void;
  readonly #maxPendingPerCallback: number | undefined;
  readonly #onUnused: ((stream: EventStream) => void) | undefined;
  #appendsInFlight = 0;
  #holds = 0;
  #lastPublishedId = -1;
  /** Set when other processes commit to the log too (`EventTransport.crossProcess`). */
  readonly #sequencer: StreamSequencer | undefined;
  #closed = false;

  constructor(options: EventStreamOptions) {
    this.conversationId = options.conversationId;
    this.#store = options.store;
    this.#logger = options.logger.child({ conversationId: options.conversationId });
    this.#maxPendingPerCallback = options.maxPendingPerCallback;
    this.#onUnused = options.onUnused;
    this.#sequencer = options.transport.crossProcess
      ? new StreamSequencer({
          conversationId: options.conversationId,
          store: options.store,
          deliver: (events) => this.#fanOut(events),
          logger: this.#logger,
        })
      : undefined;
    this.#stopListening = options.transport.listen(
      options.conversationId,
      (_conversationId, events, throughId) => {
        if (events.length > 0) this.publish(events);
        else if (throughId !== undefined && throughId > this.lastPublishedId) void this.catchUp();
      },
    );
  }

  subscribe(subscriberId: string, callbackId: string, callback: EventCallback): void {
    if (this.#closed) throw new ParleyError('STORE_CLOSED', 'The event stream is closed');
    // Across processes a subscriber needs the baseline read (hubs wait for it before subscribing).
    void this.#sequencer?.established;
    let callbacks = this.#subscribers.get(subscriberId);
    if (callbacks === undefined) {
      callbacks = new Map();
      this.#subscribers.set(subscriberId, callbacks);
    }
    if (callbacks.has(callbackId)) {
      throw new ParleyError(
        'SUBSCRIPTION_DUPLICATE',
        `Callback id ${callbackId} already exists on subscriber ${subscriberId}`,
      );
    }
    const logger = this.#logger.child({ subscriberId, callbackId });
    const queue = new CallbackQueue(callback, logger, {
      maxPending: this.#maxPendingPerCallback,
      onOverflow: () => {
        logger.error(
          { maxPending: this.#maxPendingPerCallback },
          'event callback fell too far behind: unsubscribed',
        );
        if (this.#subscribers.get(subscriberId)?.get(callbackId) === queue) {
          this.unsubscribe(subscriberId, callbackId);
        }
      },
    });
    callbacks.set(callbackId, queue);
  }

  /** Removes a callback; an unknown id only logs a warning, as upstream. */
  unsubscribe(subscriberId: string, callbackId: string): void {
    const callbacks = this.#subscribers.get(subscriberId);
    const queue = callbacks?.get(callbackId);
    if (callbacks === undefined || queue === undefined) {
      this.#logger.warn({ subscriberId, callbackId }, 'unsubscribe: callback not found');
      return;
    }
    queue.close();
    callbacks.delete(callbackId);
    if (callbacks.size === 0) this.#subscribers.delete(subscriberId);
    this.#noteUse();
  }

  /** True while a callback is subscribed, an append is in flight or a hold is kept. */
  get inUse(): boolean {
    return this.#subscribers.size > 0 || this.#appendsInFlight > 0 || this.#holds > 0;
  }

  /**
   * Keeps the stream (and its secrets) in use until the returned function is called (once; later
   * calls do nothing). For a user that appends across awaits, such as an agent loop.
   */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#noteUse();
    };
  }

  #noteUse(): void {
    if (!this.#closed && !this.inUse) this.#onUnused?.(this);
  }

  setSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#masker.setSecrets(secrets);
  }

  updateSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#masker.updateSecrets(secrets);
  }

  /** Masks secrets, then appends durably; resolves with the stored events after commit. */
  append(events: readonly NewEvent[], options: AppendOptions = {}): Promise<StoredEvent[]> {
    if (this.#closed)
      return Promise.reject(new ParleyError('STORE_CLOSED', 'The event stream is closed'));
    const masked = this.#masker.hasSecrets
      ? events.map((event) => this.#masker.mask(event))
      : events;
    // In use until the append settles: its commit has then been published to the callbacks.
    this.#appendsInFlight++;
    return this.#store.append(this.conversationId, masked, options).finally(() => {
      this.#appendsInFlight--;
      this.#noteUse();
    });
  }

  /**
   * Hands committed events to every callback's queue, in id order. Callbacks subscribed while this
   * runs (for example from inside another callback) see only later events. Ids already published are
   * dropped, so a transport that delivers twice does no harm.
   */
  publish(events: readonly StoredEvent[]): void {
    if (this.#closed) return;
    if (this.#sequencer !== undefined) {
      this.#sequencer.receive(events);
      return;
    }
    const fresh = events.filter((event) => event.id > this.#lastPublishedId);
    if (fresh.length === 0) return;
    this.#lastPublishedId = (fresh[fresh.length - 1] as StoredEvent).id;
    this.#fanOut(fresh);
  }

  #fanOut(fresh: readonly StoredEvent[]): void {
    const subscriberIds = [...this.#subscribers.keys()].sort();
    for (const subscriberId of subscriberIds) {
      for (const queue of [...(this.#subscribers.get(subscriberId)?.values() ?? [])])
        queue.push(fresh);
    }
  }

  /**
   * The highest id handed to subscribers so far (-1 before the first). A callback subscribed now
   * receives exactly the events with greater ids.
   */
  get lastPublishedId(): number {
    return this.#sequencer?.lastId ?? this.#lastPublishedId;
  }

  /**
   * Resolves once `lastPublishedId` means what it says. At once for a single process; across
   * processes, once the log's head has been read (the baseline the stream delivers after). Read
   * `lastPublishedId` and subscribe only after it.
   */
  get isEstablished(): boolean {
    return this.#sequencer?.isEstablished ?? true;
  }

  get established(): Promise<void> {
    return this.#sequencer?.established ?? Promise.resolve();
  }

  /**
   * Across processes: reads the log's head and delivers whatever the transport has not brought
   * yet (a lost or late notification). Nothing to do for a single process.
   */
  async catchUp(): Promise<void> {
    await this.#sequencer?.catchUp();
  }

  /** Number of (subscriber, callback) pairs. */
  get callbackCount(): number {
    let total = 0;
    for (const callbacks of this.#subscribers.values()) total += callbacks.size;
    return total;
  }

  /** Resolves when every callback has handled everything published so far. */
  async idle(): Promise<void> {
    const queues = [...this.#subscribers.values()].flatMap((callbacks) => [...callbacks.values()]);
    await Promise.all(queues.map((queue) => queue.idle()));
  }

  /**
   * Resolves once every append the store took before this call has committed (or failed) and
   * every callback has handled what those commits published. From then on no event whose id is at
   * most the highest id committed at the call can still reach a callback: ids committed before
   * this stream existed never will, the others already have. (The in-process transport publishes
   * inside the commit; across processes the stream reads the log's head and fills what is missing.)
   */
  async settled(): Promise<void> {
    await this.#store.settled();
    await this.#sequencer?.catchUp();
    await this.idle();
  }

  /**
   * Stops listening and drops every callback with whatever it had not handled yet (a callback that is
   * running finishes on its own); never waits on a callback, so a stuck one cannot hold up shutdown.
   * Appends already accepted still commit.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#stopListening();
    this.#sequencer?.close();
    for (const callbacks of this.#subscribers.values()) {
      for (const queue of callbacks.values()) queue.close();
    }
    this.#subscribers.clear();
    return Promise.resolve();
  }
}
