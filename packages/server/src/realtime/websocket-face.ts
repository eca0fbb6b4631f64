import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { v1ClientFrameSchema, v1UserMessageAction } from '@parley/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EventStore, StoredEvent } from '../events/event-store.js';
import { isParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { admitConnection, type ResolveUser } from './admit-connection.js';
import {
  ClientMessageHandler,
  UnreadableMessage,
  type RealtimeConversations,
} from './client-message-handler.js';
import { firstValue, parseEventCursor, presentedKey } from './connect-query.js';
import type { ConnectionCount } from './connection-count.js';
import type { ConversationHubs } from './conversation-hubs.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { originPermitted } from './origin-check.js';
import type { LiveBroadcaster, RealtimeConnection } from './realtime-connection.js';
import { replayThenTail } from './replay-then-tail.js';
import { encodeV1Error, encodeV1Event, encodeV1Heartbeat } from './v1-frames.js';
import { encodeV1FullState, readV1FullState, snapshotCursor } from './v1-state-snapshot.js';
import { WebSocketAuthentication } from './websocket-authentication.js';
import { WebSocketConnection, closeCodes } from './websocket-connection.js';

export interface WebSocketFaceOptions {
  hubs: ConversationHubs;
  eventStore: EventStore;
  conversations: RealtimeConversations;
  resolveUser: ResolveUser;
  sessionApiKey: string | undefined;
  isOriginAllowed(origin: string | undefined): boolean;
  outboundBufferBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  /** How long a client without a key in its URL has to send its auth frame, in ms. */
  authTimeoutMs: number;
  connectionCount: ConnectionCount;
  logger: Logger;
}

export const v1SocketPathPrefix = '/sockets/events/';

/** Largest inbound frame; a bigger one closes the socket with 1009, as design.md §10 asks. */
const maxPayload = 4 * 1024 * 1024;

let nextConnectionNumber = 0;

/**
 * The V1 face: a raw WebSocket per client at `/sockets/events/{conversation_id}` (reference §3.1).
 * The socket is accepted first, so refusals arrive as close codes a browser can read: 4001 for a
 * wrong key (from the query or a first `auth` frame), 4004 for an unknown conversation. Every admitted
 * connection first gets a `full_state` snapshot (v1-state-snapshot.ts), then resumes with
 * `resend_all=true` or `after_id=N`; otherwise only new events are sent.
 */
export class WebSocketFace implements LiveBroadcaster {
  readonly face = 'websocket' as const;
  readonly #options: WebSocketFaceOptions;
  readonly #server = new WebSocketServer({ noServer: true, maxPayload });
  readonly #sockets = new Set<WebSocket>();
  #closing = false;

  constructor(options: WebSocketFaceOptions) {
    this.#options = options;
  }

  /** Takes an HTTP upgrade for the V1 path; returns false for any other path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(v1SocketPathPrefix)) return false;
    if (this.#closing || !originPermitted(request, this.#options.isOriginAllowed)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    let conversationId: string;
    try {
      conversationId = decodeURIComponent(url.pathname.slice(v1SocketPathPrefix.length));
    } catch {
      conversationId = '';
    }
    this.#server.handleUpgrade(request, socket, head, (webSocket) => {
      this.#sockets.add(webSocket);
      webSocket.once('close', () => this.#sockets.delete(webSocket));
      void this.#onOpen(webSocket, request, url.searchParams, conversationId);
    });
    return true;
  }

  broadcast(
    _conversationId: string,
    event: StoredEvent,
    live: readonly RealtimeConnection[],
  ): void {
    const frame = encodeV1Event(event);
    if (frame === undefined) return;
    for (const connection of live) {
      if (frame.isDelta && !connection.wantsDeltas) continue;
      (connection as WebSocketConnection).sendEncoded(frame.data);
    }
  }

  heartbeat(
    _conversationId: string,
    latestEventId: number,
    live: readonly RealtimeConnection[],
  ): void {
    const data = encodeV1Heartbeat(latestEventId);
    for (const connection of live) (connection as WebSocketConnection).sendEncoded(data);
  }

  /** Closes every socket with 1001 and stops accepting. */
  async close(): Promise<void> {
    this.#closing = true;
    for (const socket of this.#sockets) socket.close(closeCodes.goingAway, 'server shutting down');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #onOpen(
    socket: WebSocket,
    request: IncomingMessage,
    query: URLSearchParams,
    conversationId: string,
  ): Promise<void> {
    const options = this.#options;
    const logger = options.logger.child({ conversationId, face: 'websocket' });
    options.connectionCount.opened();
    const closed = new AbortController();
    const inbox: { data: RawData; isBinary: boolean }[] = [];
    // Filled in once the connection is admitted; frames that arrive earlier wait in the inbox.
    const admitted: {
      deliver?: (data: RawData, isBinary: boolean) => void;
      connection?: WebSocketConnection;
    } = {};
    const authentication = new WebSocketAuthentication({
      socket,
      required: options.sessionApiKey !== undefined,
      keyFromQuery: presentedKey(query.get('session_api_key') ?? undefined),
      timeoutMs: options.authTimeoutMs,
    });
    socket.on('message', (data, isBinary) => {
      if (authentication.takeFrame(data, isBinary)) return;
      if (admitted.deliver === undefined) inbox.push({ data, isBinary });
      else admitted.deliver(data, isBinary);
    });
    socket.on('error', (error) => logger.debug({ err: error }, 'V1 socket error'));
    socket.once('close', () => {
      closed.abort();
      authentication.cancel();
      if (admitted.connection !== undefined) {
        admitted.connection.markClosed();
        options.hubs.existingHub(conversationId)?.remove(admitted.connection);
      }
      options.connectionCount.closed();
    });

    let userId: string;
    try {
      const key = await authentication.key();
      if (key === null) return;
      userId = await admitConnection({
        conversations: options.conversations,
        resolveUser: options.resolveUser,
        sessionApiKey: options.sessionApiKey,
        presentedKey: key,
        conversationId,
        headers: request.headers,
        startLoop: false,
        signal: closed.signal,
      });
    } catch (error) {
      refuse(socket, error, logger);
      return;
    }
    if (closed.signal.aborted) return;

    const connection = new WebSocketConnection(socket, {
      id: `websocket:${++nextConnectionNumber}`,
      conversationId,
      wantsDeltas: firstValue(query.get('stream') ?? undefined) === 'true',
    });
    const handler = new ClientMessageHandler({
      conversations: options.conversations,
      userId,
      conversationId,
      rateLimiter: new MessageRateLimiter({
        perSecond: options.messagesPerSecond,
        burst: options.messageBurst,
      }),
      logger,
      signal: closed.signal,
      sendError: (code, message) => connection.sendEncoded(encodeV1Error(code, message)),
      disconnectFlood: () => connection.close('rate limited'),
    });
    admitted.connection = connection;
    admitted.deliver = (data, isBinary) => {
      const message = readUserMessage(data, isBinary);
      if (message !== authFrame) handler.handle(message);
    };
    for (const { data, isBinary } of inbox.splice(0)) admitted.deliver(data, isBinary);

    try {
      // The state snapshot goes first, then the log after the cursor (upstream's order).
      const state = await readV1FullState(options.eventStore, conversationId, closed.signal);
      const afterId = resumeCursor(query, state.latest_event_id);
      connection.sendEncoded(encodeV1FullState(state, afterId));
      await replayThenTail({
        eventStore: options.eventStore,
        hub: options.hubs.hubFor(conversationId),
        connection,
        afterId,
        replayBufferBytes: Math.floor(options.outboundBufferBytes / 2),
        signal: closed.signal,
      });
    } catch (error) {
      if (closed.signal.aborted) return;
      logger.error({ err: error }, 'V1 replay failed; closing');
      socket.close(closeCodes.internalError, 'replay failed');
    }
  }
}

/**
 * `resend_all=true` → everything; `after_id=N` → ids after N (the id of a state snapshot resumes
 * where that snapshot stood); neither → only events after `latestEventId`.
 */
function resumeCursor(query: URLSearchParams, latestEventId: number): number {
  if (query.get('resend_all') === 'true') return -1;
  const afterId = query.get('after_id');
  if (afterId === null) return latestEventId;
  return snapshotCursor(afterId) ?? parseEventCursor(afterId);
}

/** Reads one inbound frame as a user message, or says why it cannot be one. */
function readUserMessage(data: RawData, isBinary: boolean): unknown {
  if (isBinary) return new UnreadableMessage('Binary frames are not accepted');
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawText(data));
  } catch {
    return new UnreadableMessage('Malformed JSON');
  }
  const frame = v1ClientFrameSchema.safeParse(parsed);
  if (!frame.success) {
    return new UnreadableMessage(
      'Expected a user message: {"role":"user","content":[{"type":"text","text":"…"}]}',
    );
  }
  if ('type' in frame.data) return authFrame;
  return v1UserMessageAction(frame.data);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** An auth frame after the connection was admitted: ignored, as it changes nothing. */
const authFrame = Symbol('auth frame');

function refuse(socket: WebSocket, error: unknown, logger: Logger): void {
  if (isParleyError(error)) {
    if (error.code === 'SESSION_API_KEY_INVALID') {
      socket.close(closeCodes.authenticationFailed, 'Authentication failed');
      return;
    }
    if (error.code === 'CONVERSATION_NOT_FOUND' || error.code === 'CONVERSATION_ID_INVALID') {
      socket.close(closeCodes.conversationNotFound, 'Conversation not found');
      return;
    }
    if (error.code === 'OPERATION_ABORTED') return;
  }
  logger.error({ err: error }, 'V1 connect failed');
  socket.close(closeCodes.internalError, 'Internal error');
}
