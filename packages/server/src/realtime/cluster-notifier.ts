import type { Redis } from 'ioredis';
import type { RealtimeNotifier, StatusUpdate } from '../conversations/realtime-notifier.js';
import type { Logger } from '../shared/logger.js';
import { closeRedisClient, createRedisClient } from '../shared/redis-client.js';

export interface ClusterNotifierOptions {
  /** This process's sockets. */
  local: RealtimeNotifier;
  redisUrl: string;
  /** This process's name: its own messages, echoed back by Redis, are skipped. */
  instanceId: string;
  /** Masks every secret the process knows in a serialized message (the log lines' masker). */
  maskJson(line: string): string;
  logger: Logger;
  /** Channel (tests give each run its own). */
  channel?: string;
}

type Notice =
  | { o: string; k: 'status'; c: string; u: StatusUpdate }
  | { o: string; k: 'title'; c: string; t: string }
  | { o: string; k: 'disconnect'; c: string };

/**
 * Status frames, title changes and disconnects reach the conversation's clients on every process
 * of a cluster: each goes to this process's sockets at once and, through one Redis pub/sub
 * channel, to the other processes' sockets. These frames are not log events and were never
 * replayed, so one lost while Redis is away is lost as a frame to a client that was offline would
 * be; the log (states, titles through the conversation list) still holds what they announce. What
 * leaves the process is masked first with every secret it knows.
 */
export class ClusterNotifier implements RealtimeNotifier {
  readonly #options: ClusterNotifierOptions;
  readonly #channel: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;

  constructor(options: ClusterNotifierOptions) {
    this.#options = options;
    this.#channel = options.channel ?? 'parley:notices';
    const logger = options.logger.child({ module: 'cluster-notices' });
    this.#publisher = createRedisClient(options.redisUrl, logger);
    this.#subscriber = createRedisClient(options.redisUrl, logger);
    this.#subscriber.on('ready', () => {
      this.#subscriber.subscribe(this.#channel).catch(() => undefined);
    });
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.#channel) this.#receive(message);
    });
  }

  sendStatusUpdate(conversationId: string, update: StatusUpdate): void {
    this.#options.local.sendStatusUpdate(conversationId, update);
    this.#publish({ o: this.#options.instanceId, k: 'status', c: conversationId, u: update });
  }

  sendTitleUpdate(conversationId: string, title: string): void {
    this.#options.local.sendTitleUpdate(conversationId, title);
    this.#publish({ o: this.#options.instanceId, k: 'title', c: conversationId, t: title });
  }

  disconnectConversation(conversationId: string): void {
    this.#options.local.disconnectConversation(conversationId);
    this.#publish({ o: this.#options.instanceId, k: 'disconnect', c: conversationId });
  }

  /** This process's sockets only (idle cleanup and `num_connections` are per process). */
  connectionCount(conversationId: string): number {
    return this.#options.local.connectionCount(conversationId);
  }

  async close(): Promise<void> {
    await Promise.all([closeRedisClient(this.#publisher), closeRedisClient(this.#subscriber)]);
  }

  #publish(notice: Notice): void {
    if (this.#publisher.status !== 'ready') return;
    const message = this.#options.maskJson(JSON.stringify(notice));
    this.#publisher.publish(this.#channel, message).catch(() => undefined);
  }

  #receive(message: string): void {
    let notice: Notice;
    try {
      notice = JSON.parse(message) as Notice;
    } catch {
      return;
    }
    if (notice.o === this.#options.instanceId) return;
    const { local } = this.#options;
    if (notice.k === 'status') local.sendStatusUpdate(notice.c, notice.u);
    else if (notice.k === 'title') local.sendTitleUpdate(notice.c, notice.t);
    else if (notice.k === 'disconnect') local.disconnectConversation(notice.c);
  }
}
