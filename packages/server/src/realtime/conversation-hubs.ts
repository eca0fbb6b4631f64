import type { EventStreams } from '../events/event-streams.js';
import type { Logger } from '../shared/logger.js';
import { withTimeout } from '../shared/with-timeout.js';
import type { RealtimeFaceName } from '../shared/metrics.js';
import { ConversationHub } from './conversation-hub.js';
import type {
  ConnectionCloseReason,
  LiveBroadcaster,
  RealtimeConnection,
} from './realtime-connection.js';

export interface ConversationHubsOptions {
  eventStreams: EventStreams;
  outboundBufferBytes: number;
  maxPendingEvents: number;
  heartbeatIntervalMs: number;
  logger: Logger;
  onSlowConsumer(connection: RealtimeConnection): void;
}

/** One hub per conversation with at least one connection; created on demand, dropped when empty. */
export class ConversationHubs {
  readonly #options: ConversationHubsOptions;
  readonly #broadcasters = new Map<RealtimeFaceName, LiveBroadcaster>();
  readonly #hubs = new Map<string, ConversationHub>();

  constructor(options: ConversationHubsOptions) {
    this.#options = options;
  }

  /** Each face registers its broadcaster once, before its first connection. */
  addBroadcaster(broadcaster: LiveBroadcaster): void {
    this.#broadcasters.set(broadcaster.face, broadcaster);
  }

  /** The conversation's hub, subscribed to its stream; created if none is open. */
  hubFor(conversationId: string): ConversationHub {
    const existing = this.#hubs.get(conversationId);
    if (existing !== undefined && !existing.closed) return existing;
    const hub = new ConversationHub({
      stream: this.#options.eventStreams.get(conversationId),
      broadcasters: this.#broadcasters,
      outboundBufferBytes: this.#options.outboundBufferBytes,
      maxPendingEvents: this.#options.maxPendingEvents,
      heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
      logger: this.#options.logger.child({ conversationId }),
      onSlowConsumer: this.#options.onSlowConsumer,
      onEmpty: (emptied) => {
        if (this.#hubs.get(conversationId) === emptied) this.#hubs.delete(conversationId);
      },
    });
    this.#hubs.set(conversationId, hub);
    return hub;
  }

  /** The open hub of a conversation, if any client is connected to it. */
  existingHub(conversationId: string): ConversationHub | undefined {
    const hub = this.#hubs.get(conversationId);
    return hub === undefined || hub.closed ? undefined : hub;
  }

  /**
   * Waits (at most `timeoutMs`) until every hub has fanned out what its stream published, so that
   * events committed before a shutdown still reach the sockets before they close.
   */
  async delivered(timeoutMs: number): Promise<void> {
    const hubs = [...this.#hubs.values()];
    await withTimeout(() => Promise.all(hubs.map((hub) => hub.delivered())), { timeoutMs }).catch(
      () => undefined,
    );
  }

  /** Closes every hub's connections with `reason`. */
  closeAll(reason: ConnectionCloseReason): void {
    for (const hub of [...this.#hubs.values()]) hub.close(reason);
    this.#hubs.clear();
  }
}
