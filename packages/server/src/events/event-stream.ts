import { ParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { CallbackQueue, type EventCallback } from './callback-queue.js';
import type { OperationOptions, EventStore, NewEvent, StoredEvent } from './event-store.js';
import type { EventTransport } from './event-transport.js';
import { SecretMasker } from './secret-masker.js';

export interface EventStreamOptions {
  conversationId: string;
  store: EventStore;
  transport: EventTransport;
  logger: Logger;
  /** Events one callback may fall behind by before it is unsubscribed (default 10,000). */
  maxPendingPerCallback?: number;
}

/**
 * One conversation's publish/subscribe stream (upstream's EventStream). `append` masks secrets and
 * persists; the store's commit hook publishes through the transport, which calls `publish` here, so
 * subscribers only ever see committed events. Each (subscriber, callback) pair has its own queue.
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
  #lastPublishedId = -1;
  #closed = false;

  constructor(options: EventStreamOptions) {
    this.conversationId = options.conversationId;
    this.#store = options.store;
    this.#logger = options.logger.child({ conversationId: options.conversationId });
    this.#maxPendingPerCallback = options.maxPendingPerCallback;
    this.#stopListening = options.transport.listen(
      options.conversationId,
      (_conversationId, events) => this.publish(events),
    );
  }

  subscribe(subscriberId: string, callbackId: string, callback: EventCallback): void {
    if (this.#closed) throw new ParleyError('STORE_CLOSED', 'The event stream is closed');
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
  }

  setSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#masker.setSecrets(secrets);
  }

  updateSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#masker.updateSecrets(secrets);
  }

  /** Masks secrets, then appends durably; resolves with the stored events after commit. */
  append(events: readonly NewEvent[], options: OperationOptions = {}): Promise<StoredEvent[]> {
    if (this.#closed)
      return Promise.reject(new ParleyError('STORE_CLOSED', 'The event stream is closed'));
    const masked = this.#masker.hasSecrets
      ? events.map((event) => this.#masker.mask(event))
      : events;
    return this.#store.append(this.conversationId, masked, options);
  }

  /**
   * Hands committed events to every callback's queue, in id order. Callbacks subscribed while this
   * runs (for example from inside another callback) see only later events. Ids already published are
   * dropped, so a transport that delivers twice does no harm.
   */
  publish(events: readonly StoredEvent[]): void {
    if (this.#closed) return;
    const fresh = events.filter((event) => event.id > this.#lastPublishedId);
    if (fresh.length === 0) return;
    this.#lastPublishedId = (fresh[fresh.length - 1] as StoredEvent).id;
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
    return this.#lastPublishedId;
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
   * Stops listening and drops every callback with whatever it had not handled yet (a callback that is
   * running finishes on its own); never waits on a callback, so a stuck one cannot hold up shutdown.
   * Appends already accepted still commit.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#stopListening();
    for (const callbacks of this.#subscribers.values()) {
      for (const queue of callbacks.values()) queue.close();
    }
    this.#subscribers.clear();
    return Promise.resolve();
  }
}
