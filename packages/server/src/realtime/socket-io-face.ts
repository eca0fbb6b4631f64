import type { Server as HttpServer } from 'node:http';
import type { SocketIoServerToClientEvents } from '@parley/protocol';
import { Server } from 'socket.io';
import type { EventStore } from '../events/event-store.js';
import { isParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SecretRegistry } from '../shared/secret-registry.js';
import type { ResolveUser } from './admit-connection.js';
import type { ClientMessageDispatches } from './client-message-dispatches.js';
import {
  ClientMessageHandler,
  UnreadableMessage,
  type RealtimeConversations,
} from './client-message-handler.js';
import type { ConnectionCount } from './connection-count.js';
import type { ConversationHubs } from './conversation-hubs.js';
import { depthLimitedParser, refusedMessage } from './depth-limited-parser.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { originPermitted } from './origin-check.js';
import type { LiveBroadcaster } from './realtime-connection.js';
import type { ReplayPages } from './replay-pages.js';
import { replayThenTail } from './replay-then-tail.js';
import { SocketIoAdmission, type AdmittedConnection } from './socket-io-admission.js';
import {
  SocketIoConnection,
  batchEngineFlushes,
  deltaRoom,
  eventRoom,
  type ParleyListenEvents,
  type ParleySocket,
} from './socket-io-connection.js';
import { PendingStatusFrames } from './pending-status-frames.js';
import { v0LiveMessage } from './v0-event-rules.js';

export interface SocketIoFaceOptions {
  httpServer: HttpServer;
  hubs: ConversationHubs;
  eventStore: EventStore;
  /** Replay pages, shared and counted against the replay budget. */
  pages: ReplayPages;
  conversations: RealtimeConversations;
  resolveUser: ResolveUser;
  sessionApiKey: string | undefined;
  isOriginAllowed(origin: string | undefined): boolean;
  outboundBufferBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  connectionCount: ConnectionCount;
  /** Client messages accepted on any socket and not yet dispatched. */
  dispatches: ClientMessageDispatches;
  /** Secret values masked out of status and error frames. */
  secrets: SecretRegistry;
  logger: Logger;
  /** How long a status frame waits for a first live client (default 30 s, as upstream). */
  clientWaitMs?: number;
  now?: () => number;
}

type ParleyServer = Server<
  ParleyListenEvents,
  SocketIoServerToClientEvents,
  Record<string, never>,
  Partial<AdmittedConnection>
>;

/** Largest Socket.IO message, as upstream (3 MB files pass after base64). */
const maxHttpBufferSize = 4 * 1024 * 1024;

/**
 * The V0 face: Socket.IO on the app's HTTP server at `/socket.io`. The connect middleware
 * (`socket-io-admission.ts`) refuses exactly as upstream does (reference §2.2–§2.3), then the
 * connection replays and tails through the conversation's hub; live events reach it as room
 * broadcasts, encoded once per event.
 */
export class SocketIoFace implements LiveBroadcaster {
  readonly face = 'socket.io' as const;
  readonly #options: SocketIoFaceOptions;
  readonly #server: ParleyServer;
  readonly #connections = new Map<SocketIoConnection, string>();
  readonly #pendingStatusFrames: PendingStatusFrames;
  readonly #admission: SocketIoAdmission;

  constructor(options: SocketIoFaceOptions) {
    this.#options = options;
    this.#admission = new SocketIoAdmission(options);
    this.#pendingStatusFrames = new PendingStatusFrames({
      waitMs: options.clientWaitMs,
      now: options.now,
    });
    this.#server = new Server(options.httpServer, {
      path: '/socket.io',
      transports: ['polling', 'websocket'],
      maxHttpBufferSize,
      // socket.io-parser, with JSON nested deeper than 64 levels refused before it is parsed.
      parser: depthLimitedParser,
      // Other upgrade paths (the V1 WebSocket) are handled by the realtime server, not destroyed.
      destroyUpgrade: false,
      cors: {
        origin: (origin, callback) => callback(null, options.isOriginAllowed(origin)),
        credentials: true,
      },
      allowRequest: (request, callback) =>
        callback(null, originPermitted(request, options.isOriginAllowed)),
    });
    batchEngineFlushes(this.#server.engine);
    this.#server.use((socket, next) => this.#admission.admit(socket, next));
    this.#server.on('connection', (socket) => this.#onConnection(socket));
  }

  broadcast(conversationId: string, event: Parameters<LiveBroadcaster['broadcast']>[1]): void {
    const message = v0LiveMessage(event);
    if (message === undefined) return;
    const room =
      message.name === 'oh_delta' ? deltaRoom(conversationId) : eventRoom(conversationId);
    this.#server.to(room).emit(message.name, message.payload);
  }

  heartbeat(conversationId: string, latestEventId: number): void {
    this.#server
      .to(eventRoom(conversationId))
      .emit('oh_heartbeat', { latest_event_id: latestEventId });
  }

  /**
   * Sends a frame (a status update, for instance) to every live connection of a conversation. With
   * none live yet, the frame waits (up to 30 s) for the first connection to finish its replay.
   */
  emitToConversation(conversationId: string, payload: Record<string, unknown>): void {
    const room = eventRoom(conversationId);
    let member: ParleySocket | undefined;
    for (const socketId of this.#server.sockets.adapter.rooms.get(room) ?? []) {
      member = this.#server.sockets.sockets.get(socketId);
      if (member !== undefined) break;
    }
    if (member === undefined) {
      this.#pendingStatusFrames.hold(conversationId, payload);
      return;
    }
    // Every socket in the room belongs to the conversation's owner (admission checked it).
    this.#server.to(room).emit('oh_event', this.#masked(payload, member.data.userId));
  }

  /** A frame with the secrets its user may not see in plain text masked (a provider's text). */
  #masked(payload: Record<string, unknown>, userId: string | undefined): Record<string, unknown> {
    return this.#options.secrets.maskerFor(userId).maskValue(payload) as Record<string, unknown>;
  }

  /** Disconnects every connection of a user (their session or token was revoked). */
  disconnectUser(userId: string): void {
    for (const [connection, owner] of [...this.#connections]) {
      if (owner === userId) connection.close('signed out');
    }
  }

  /** Disconnects every connection, then stops the engine (it does not close the HTTP server). */
  async close(): Promise<void> {
    for (const connection of [...this.#connections.keys()])
      connection.close('server shutting down');
    this.#server.engine.close();
    await Promise.resolve();
  }

  #onConnection(socket: ParleySocket): void {
    const { userId, conversationId, latestEventId, wantsDeltas, closed, firstPage } =
      this.#admission.take(socket);
    const options = this.#options;
    // Made on demand: an idle connection needs neither a child logger nor a message handler.
    let logger: Logger | undefined;
    const log = (): Logger =>
      (logger ??= options.logger.child({ conversationId, socketId: socket.id }));
    const connection = new SocketIoConnection(socket, {
      conversationId,
      wantsDeltas,
      // Status frames sent before anyone was live follow the replay, then live events flow.
      onLive: () => {
        for (const payload of this.#pendingStatusFrames.take(conversationId)) {
          socket.emit('oh_event', this.#masked(payload, userId));
        }
      },
    });
    const hub = options.hubs.hubFor(conversationId);
    this.#connections.set(connection, userId);
    options.connectionCount.opened();
    let handler: ClientMessageHandler | undefined;
    const handle = (action: unknown): void => {
      // A fresh token bucket is full, so making the limiter at the first message changes nothing.
      handler ??= new ClientMessageHandler({
        conversations: options.conversations,
        userId,
        conversationId,
        rateLimiter: new MessageRateLimiter({
          perSecond: options.messagesPerSecond,
          burst: options.messageBurst,
        }),
        logger: log(),
        dispatches: options.dispatches,
        secrets: options.secrets,
        sendError: (code, message) => socket.emit('oh_event', { error: true, code, message }),
        disconnectFlood: () => connection.close('rate limited'),
      });
      handler.handle(action);
    };
    socket.on('oh_user_action', handle);
    socket.on('oh_action', handle);
    // An over-deep message, never parsed: an error frame like any unreadable one (rate-limited too).
    socket.on(refusedMessage, (reason) => handle(new UnreadableMessage(reason)));
    socket.on('disconnect', (reason) => {
      if (options.logger.isLevelEnabled('debug')) {
        log().debug({ reason }, 'Socket.IO client disconnected');
      }
      connection.markClosed();
      closed.abort();
      // Messages it already accepted are still dispatched.
      handler?.close();
      hub.remove(connection);
      this.#connections.delete(connection);
      options.connectionCount.closed();
    });
    replayThenTail({
      eventStore: options.eventStore,
      pages: options.pages,
      hub,
      connection,
      afterId: latestEventId,
      replayBufferBytes: Math.floor(options.outboundBufferBytes / 2),
      signal: closed.signal,
      firstPage,
    }).catch((error: unknown) => {
      if (closed.signal.aborted) return;
      if (isParleyError(error) && error.code === 'SOCKET_REPLAY_BUSY') {
        // An error event with the reason, then the disconnect: never a silent end mid-replay.
        connection.close('server busy');
        return;
      }
      log().error({ err: error }, 'replay failed; disconnecting');
      socket.disconnect(true);
    });
  }
}
