import type { IncomingHttpHeaders, Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Config } from '../config/config.js';
import type { RealtimeNotifier, StatusUpdate } from '../conversations/realtime-notifier.js';
import type { EventStore } from '../events/event-store.js';
import type { EventStreams } from '../events/event-streams.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { SecretRegistry } from '../shared/secret-registry.js';
import type { ResolveUser } from './admit-connection.js';
import { ClientMessageDispatches } from './client-message-dispatches.js';
import type { RealtimeConversations } from './client-message-handler.js';
import { ConnectionCount } from './connection-count.js';
import { ConversationHubs } from './conversation-hubs.js';
import { ReplayBudget } from './replay-budget.js';
import { ReplayPages } from './replay-pages.js';
import { SocketIoFace } from './socket-io-face.js';
import { WebSocketFace } from './websocket-face.js';

export interface RealtimeServerOptions {
  httpServer: HttpServer;
  eventStore: EventStore;
  eventStreams: EventStreams;
  conversations: RealtimeConversations;
  resolveUser: ResolveUser;
  sessionApiKey: string | undefined;
  /**
   * Whether a V1 connection without a key in its URL must send an auth frame (default: when a
   * session API key is configured). Accounts mode: when it brings no session cookie.
   */
  keyRequired?: ((headers: IncomingHttpHeaders) => boolean) | undefined;
  /** The REST CORS rule, applied to socket origins too. */
  isOriginAllowed(origin: string | undefined): boolean;
  settings: Config['realtime'];
  metrics: Metrics;
  logger: Logger;
  /** Secret values masked out of status and error frames (events are masked when appended). */
  secretRegistry: SecretRegistry;
}

/** How long shutdown waits for committed events to reach the sockets before closing them. */
const shutdownDeliveryTimeoutMs = 1000;

/** How long shutdown waits for accepted client messages to be dispatched. */
const shutdownDispatchTimeoutMs = 5000;

/** Events a connection may have waiting while it replays before it counts as a slow consumer. */
const maxPendingEvents = 10_000;

/** A replay page holds at most this many events … */
const replayPageEvents = 200;
/** … and this many bytes of stored JSON (one bigger event is a page of its own). */
const replayPageBytes = 1024 * 1024;
/**
 * How long a replay page nobody holds is kept for late joiners (while no replay waits for budget;
 * at most `keptPagesPerConversation` per conversation).
 */
const replayPageRetainMs = 2_000;

/**
 * Both realtime faces on the app's HTTP server: Socket.IO (V0) at `/socket.io` and the raw
 * WebSocket (V1) at `/sockets/events/{id}`, sharing one hub per conversation. It also implements
 * the `RealtimeNotifier` the conversation manager uses to reach connected clients.
 */
export class RealtimeServer implements RealtimeNotifier {
  readonly #hubs: ConversationHubs;
  readonly #socketIo: SocketIoFace;
  readonly #webSocket: WebSocketFace;
  readonly #httpServer: HttpServer;
  readonly #dispatches = new ClientMessageDispatches();
  readonly #logger: Logger;
  readonly #replayBudget: ReplayBudget;
  readonly #onUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  #closing: Promise<void> | undefined;

  constructor(options: RealtimeServerOptions) {
    const { settings, metrics } = options;
    const logger = options.logger.child({ module: 'realtime' });
    this.#logger = logger;
    const connectionCount = new ConnectionCount(metrics);
    this.#hubs = new ConversationHubs({
      eventStreams: options.eventStreams,
      outboundBufferBytes: settings.outboundBufferBytes,
      maxPendingEvents,
      heartbeatIntervalMs: settings.heartbeatIntervalMs,
      logger,
      onSlowConsumer: (connection) => metrics.recordSlowConsumerClosed(connection.face),
    });
    // One budget for the process: every replay's pages, whatever the face or conversation.
    this.#replayBudget = new ReplayBudget({
      capacityBytes: settings.replayBudgetBytes,
      waitMs: settings.replayWaitMs,
    });
    const pages = new ReplayPages({
      eventStore: options.eventStore,
      budget: this.#replayBudget,
      maxEvents: replayPageEvents,
      maxBytes: replayPageBytes,
      retainMs: replayPageRetainMs,
    });
    const faceOptions = {
      hubs: this.#hubs,
      eventStore: options.eventStore,
      pages,
      conversations: options.conversations,
      resolveUser: options.resolveUser,
      sessionApiKey: options.sessionApiKey,
      keyRequired: options.keyRequired ?? (() => options.sessionApiKey !== undefined),
      isOriginAllowed: options.isOriginAllowed,
      outboundBufferBytes: settings.outboundBufferBytes,
      messagesPerSecond: settings.messagesPerSecond,
      messageBurst: settings.messageBurst,
      connectionCount,
      dispatches: this.#dispatches,
      secrets: options.secretRegistry,
    };
    this.#socketIo = new SocketIoFace({
      ...faceOptions,
      httpServer: options.httpServer,
      logger: logger.child({ face: 'socket.io' }),
    });
    this.#webSocket = new WebSocketFace({
      ...faceOptions,
      authTimeoutMs: settings.authTimeoutMs,
      logger: logger.child({ face: 'websocket' }),
    });
    this.#hubs.addBroadcaster(this.#socketIo);
    this.#hubs.addBroadcaster(this.#webSocket);
    this.#httpServer = options.httpServer;
    this.#onUpgrade = (request, socket, head) => {
      if (this.#webSocket.handleUpgrade(request, socket, head)) return;
      // Socket.IO's engine takes its own path; any other upgrade is refused.
      if ((request.url ?? '').startsWith('/socket.io/')) return;
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    };
    this.#httpServer.on('upgrade', this.#onUpgrade);
  }

  /** The process-wide replay budget (PARLEY_REPLAY_BUDGET_BYTES): what replays hold now. */
  get replayBudget(): ReplayBudget {
    return this.#replayBudget;
  }

  sendStatusUpdate(conversationId: string, update: StatusUpdate): void {
    this.#socketIo.emitToConversation(conversationId, { status_update: true, ...update });
  }

  sendTitleUpdate(conversationId: string, title: string): void {
    this.#socketIo.emitToConversation(conversationId, {
      status_update: true,
      type: 'info',
      message: conversationId,
      conversation_title: title,
    });
  }

  /** Closes every socket of a user, on both faces: their session or API token was revoked. */
  disconnectUser(userId: string): void {
    this.#socketIo.disconnectUser(userId);
    this.#webSocket.closeUser(userId);
  }

  disconnectConversation(conversationId: string): void {
    this.#hubs.existingHub(conversationId)?.close('conversation closed');
  }

  connectionCount(conversationId: string): number {
    return this.#hubs.existingHub(conversationId)?.connectionCount ?? 0;
  }

  /** Resolves when every client message accepted so far has been dispatched (or failed). */
  clientMessagesSettled(): Promise<void> {
    return this.#dispatches.settled();
  }

  /**
   * Stops taking client messages and lets the accepted ones reach the log (bounded), then closes
   * every socket with a reason (Socket.IO disconnect, V1 close 1001) and stops taking upgrades.
   * Call it after pending appends were flushed and before the HTTP server closes. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const abandoned = await this.#dispatches.close(shutdownDispatchTimeoutMs);
      if (abandoned > 0) {
        this.#logger.warn({ abandoned }, 'client messages not dispatched before shutdown');
      }
      await this.#hubs.delivered(shutdownDeliveryTimeoutMs);
      this.#hubs.closeAll('server shutting down');
      await this.#webSocket.close();
      await this.#socketIo.close();
      this.#httpServer.off('upgrade', this.#onUpgrade);
    })();
    return this.#closing;
  }
}
