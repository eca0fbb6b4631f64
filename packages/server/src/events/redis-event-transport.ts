import { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import type { StoredEvent } from './event-store.js';
import type { EventTransport, TransportListener } from './event-transport.js';

export interface RedisEventTransportOptions {
  url: string;
  /** This process's name in the cluster: its own messages, echoed back by Redis, are skipped. */
  instanceId: string;
  logger: Logger;
  /** Channel prefix (tests give each run its own). */
  prefix?: string;
  /** A batch whose JSON is larger is announced by its last id only; readers take it from the log. */
  maxInlineBytes?: number;
}

/** A message on a conversation's channel: the events themselves, or how far the log now reaches. */
interface WireMessage {
  /** The publishing process. */
  o: string;
  e?: readonly StoredEvent[];
  /** The last id committed, when the events were too big to carry. */
  t?: number;
}

/**
 * Carries committed events between the processes of a cluster over Redis pub/sub: one channel per
 * conversation, subscribed while a stream of this process listens to it. Commits of this process
 * reach its own listeners at once, in the commit; other processes get them through Redis. Pub/sub
 * was chosen over Streams because the log already is the durable, ordered record: a message lost
 * while a subscriber was disconnected is read back from the log by the stream's sequencer
 * (`StreamSequencer`), so Redis only has to be fast, not reliable, and keeps no copy of the log.
 * While Redis is away nothing is queued (publishes are dropped) and streams catch up from the log
 * on a timer; when it is back, every channel is subscribed again and `onReconnect` runs.
 */
export class RedisEventTransport implements EventTransport {
  readonly crossProcess = true;
  readonly #options: RedisEventTransportOptions;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #listeners = new Map<string, Set<TransportListener>>();
  readonly #prefix: string;
  readonly #maxInlineBytes: number;
  readonly #reconnectListeners = new Set<() => void>();
  #wasReady = false;
  #outage = false;
  #closed = false;

  constructor(options: RedisEventTransportOptions) {
    this.#options = options;
    this.#prefix = options.prefix ?? 'parley:events:';
    this.#maxInlineBytes = options.maxInlineBytes ?? 256 * 1024;
    const clientOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      autoResubscribe: false,
    };
    this.#publisher = new Redis(options.url, clientOptions);
    this.#subscriber = new Redis(options.url, clientOptions);
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on('error', (error: Error) => this.#reportOutage(error));
    }
    this.#subscriber.on('ready', () => this.#onSubscriberReady());
    this.#subscriber.on('close', () => {
      if (this.#wasReady && !this.#closed) this.#outage = true;
    });
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) =>
      this.#onMessage(channel.toString(), message),
    );
  }

  /** True while deliveries from other processes arrive (the subscriber connection is up). */
  get healthy(): boolean {
    return this.#subscriber.status === 'ready';
  }

  /** Runs `listener` whenever the subscriber is back after an outage (messages may be lost). */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  publish(conversationId: string, events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    for (const listener of [...(this.#listeners.get(conversationId) ?? [])]) {
      listener(conversationId, events);
    }
    if (this.#closed || this.#publisher.status !== 'ready') return;
    let body = JSON.stringify({ o: this.#options.instanceId, e: events } satisfies WireMessage);
    if (Buffer.byteLength(body) > this.#maxInlineBytes) {
      const lastId = (events[events.length - 1] as StoredEvent).id;
      body = JSON.stringify({ o: this.#options.instanceId, t: lastId } satisfies WireMessage);
    }
    this.#publisher.publish(this.#prefix + conversationId, body).catch((error: unknown) => {
      // The log has it; other processes read it back when they catch up.
      this.#reportOutage(error);
    });
  }

  listen(conversationId: string, listener: TransportListener): () => void {
    let listeners = this.#listeners.get(conversationId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(conversationId, listeners);
      this.#subscribe([conversationId]);
    }
    listeners.add(listener);
    return () => {
      const current = this.#listeners.get(conversationId);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size > 0) return;
      this.#listeners.delete(conversationId);
      if (this.#subscriber.status === 'ready') {
        this.#subscriber.unsubscribe(this.#prefix + conversationId).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#reconnectListeners.clear();
    await Promise.all([quitOrDisconnect(this.#publisher), quitOrDisconnect(this.#subscriber)]);
  }

  #subscribe(conversationIds: readonly string[]): void {
    if (conversationIds.length === 0 || this.#subscriber.status !== 'ready') return;
    const channels = conversationIds.map((conversationId) => this.#prefix + conversationId);
    this.#subscriber.subscribe(...channels).catch((error: unknown) => this.#reportOutage(error));
  }

  #onSubscriberReady(): void {
    if (this.#closed) return;
    if (this.#outage) this.#options.logger.info('Redis fan-out is back; catching up from the log');
    const afterOutage = this.#outage || this.#wasReady;
    this.#wasReady = true;
    this.#outage = false;
    this.#subscribe([...this.#listeners.keys()]);
    if (afterOutage) for (const listener of [...this.#reconnectListeners]) listener();
  }

  #onMessage(channel: string, message: Buffer): void {
    if (!channel.startsWith(this.#prefix)) return;
    const conversationId = channel.slice(this.#prefix.length);
    const listeners = this.#listeners.get(conversationId);
    if (listeners === undefined) return;
    let parsed: WireMessage;
    try {
      parsed = JSON.parse(message.toString()) as WireMessage;
    } catch (error) {
      this.#options.logger.warn({ err: error, conversationId }, 'unreadable fan-out message');
      return;
    }
    if (parsed.o === this.#options.instanceId) return;
    const events = parsed.e ?? [];
    for (const listener of [...listeners]) listener(conversationId, events, parsed.t);
  }

  #reportOutage(error: unknown): void {
    if (this.#closed || this.#outage) return;
    this.#outage = true;
    this.#options.logger.warn(
      { err: error },
      'Redis fan-out is unreachable; other processes are read from the log until it is back',
    );
  }
}

async function quitOrDisconnect(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // Fall through: drop the connection instead.
    }
  }
  client.disconnect();
}
