import { jsonNestsDeeperThan, maximumJsonDepth } from '../shared/json-depth.js';
import type { IncomingHttpHeaders } from 'node:http';
import { v1ClientFrameSchema, v1UserMessageAction } from '@parley/protocol';
import type { RawData, WebSocket } from 'ws';
import type { EventStore } from '../events/event-store.js';
import { isParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SecretRegistry } from '../shared/secret-registry.js';
import { admitConnection, type ResolveUser } from './admit-connection.js';
import type { ClientMessageDispatches } from './client-message-dispatches.js';
import {
  ClientMessageHandler,
  UnreadableMessage,
  type RealtimeConversations,
} from './client-message-handler.js';
import { parseEventCursor, presentedKey } from './connect-query.js';
import type { ConnectionCount } from './connection-count.js';
import type { ConversationHubs } from './conversation-hubs.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import type { ReplayPages } from './replay-pages.js';
import { replayThenTail } from './replay-then-tail.js';
import { encodeV1Error } from './v1-frames.js';
import { encodeV1FullState, readV1FullState, snapshotCursor } from './v1-state-snapshot.js';
import { WebSocketAuthentication } from './websocket-authentication.js';
import { WebSocketConnection, closeCodes } from './websocket-connection.js';

/** What the V1 face's sessions need from it; one object per face, shared by every session. */
export interface WebSocketSessionSettings {
  hubs: ConversationHubs;
  eventStore: EventStore;
  /** Replay pages, shared and counted against the replay budget. */
  pages: ReplayPages;
  conversations: RealtimeConversations;
  resolveUser: ResolveUser;
  sessionApiKey: string | undefined;
  /**
   * Whether a connection without a key in its URL must send an auth frame: with a session API key
   * configured always; with accounts, when its upgrade request carries no session cookie.
   */
  keyRequired: (headers: IncomingHttpHeaders) => boolean;
  outboundBufferBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  /** How long a client without a key in its URL has to send its auth frame, in ms. */
  authTimeoutMs: number;
  connectionCount: ConnectionCount;
  /** Client messages accepted on any socket and not yet dispatched. */
  dispatches: ClientMessageDispatches;
  /** Secret values masked out of status and error frames. */
  secrets: SecretRegistry;
  logger: Logger;
}

let nextConnectionNumber = 0;

/**
 * One V1 client from upgrade to close. The socket is accepted first, so refusals arrive as close
 * codes a browser can read: 4001 for a wrong key (from the query or a first `auth` frame), 4004 for
 * an unknown conversation. An admitted connection first gets a `full_state` snapshot, then resumes
 * with `resend_all=true` or `after_id=N`; otherwise only new events are sent. What an idle live
 * connection does not need is made on demand: the child logger, the message handler and its rate
 * limiter (at the first message; a fresh token bucket is full either way) and the abort controller.
 */
export class WebSocketSession {
  readonly #socket: WebSocket;
  readonly #conversationId: string;
  readonly #settings: WebSocketSessionSettings;
  /** Set while the key is awaited from a first frame. */
  #authentication: WebSocketAuthentication | undefined;
  /** Frames that arrived before admission. */
  #inbox: { data: RawData; isBinary: boolean }[] | undefined;
  #connection: WebSocketConnection | undefined;
  #userId = '';
  #handler: ClientMessageHandler | undefined;
  /** Aborted on close; dropped once live while no message dispatch can use it. */
  #abort: AbortController | undefined;
  #logger: Logger | undefined;
  #closed = false;

  constructor(socket: WebSocket, conversationId: string, settings: WebSocketSessionSettings) {
    this.#socket = socket;
    this.#conversationId = conversationId;
    this.#settings = settings;
  }

  /** The admitted user ('' until the connection is admitted). */
  get userId(): string {
    return this.#userId;
  }

  get logger(): Logger {
    this.#logger ??= this.#settings.logger.child({
      conversationId: this.#conversationId,
      face: 'websocket',
    });
    return this.#logger;
  }

  async start(headers: IncomingHttpHeaders, query: URLSearchParams): Promise<void> {
    const settings = this.#settings;
    const conversationId = this.#conversationId;
    settings.connectionCount.opened();
    const signal = this.#signal();
    const authentication = new WebSocketAuthentication({
      socket: this.#socket,
      required: settings.keyRequired(headers),
      keyFromQuery: presentedKey(query),
      timeoutMs: settings.authTimeoutMs,
    });
    this.#authentication = authentication;

    try {
      const key = await authentication.key();
      this.#authentication = undefined;
      if (key === null) return;
      this.#userId = await admitConnection({
        conversations: settings.conversations,
        resolveUser: settings.resolveUser,
        sessionApiKey: settings.sessionApiKey,
        presentedKey: key,
        conversationId,
        headers,
        startLoop: false,
        signal,
      });
    } catch (error) {
      refuse(this.#socket, error, this.logger);
      return;
    }
    if (signal.aborted) return;

    const connection = new WebSocketConnection(this.#socket, {
      id: `websocket:${++nextConnectionNumber}`,
      conversationId,
      wantsDeltas: query.get('stream') === 'true',
    });
    this.#connection = connection;
    const inbox = this.#inbox;
    this.#inbox = undefined;
    for (const { data, isBinary } of inbox ?? []) this.#deliver(connection, data, isBinary);

    try {
      // The state snapshot goes first, then the log after the cursor (upstream's order).
      const state = await readV1FullState(settings.eventStore, conversationId, signal);
      const afterId = resumeCursor(query, state.latest_event_id);
      // Waited for before anything is sent: a client the replay budget cannot serve within its
      // wait bound is closed with 1013 "try again later" (as it is if that happens mid-replay).
      const firstPage = await settings.pages.hold(conversationId, afterId + 1, {
        priority: 'new',
        signal,
      });
      try {
        connection.sendEncoded(encodeV1FullState(state, afterId));
        await replayThenTail({
          eventStore: settings.eventStore,
          pages: settings.pages,
          hub: settings.hubs.hubFor(conversationId),
          connection,
          afterId,
          replayBufferBytes: Math.floor(settings.outboundBufferBytes / 2),
          signal,
          firstPage,
        });
      } finally {
        firstPage.release();
      }
    } catch (error) {
      if (signal.aborted) return;
      if (isParleyError(error) && error.code === 'SOCKET_REPLAY_BUSY') {
        connection.close('server busy');
        return;
      }
      this.logger.error({ err: error }, 'V1 replay failed; closing');
      this.#socket.close(closeCodes.internalError, 'replay failed');
      return;
    }
    // Live: nothing in flight uses the controller any more (messages run under the server's).
    this.#abort = undefined;
  }

  /** One inbound frame: the awaited auth frame, a frame to hold until admission, or a message. */
  receive(data: RawData, isBinary: boolean): void {
    if (this.#authentication?.takeFrame(data, isBinary) === true) return;
    const connection = this.#connection;
    if (connection === undefined) (this.#inbox ??= []).push({ data, isBinary });
    else this.#deliver(connection, data, isBinary);
  }

  /** The socket closed (either side). */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort?.abort();
    // Messages it already accepted are still dispatched.
    this.#handler?.close();
    this.#authentication?.cancel();
    this.#inbox = undefined;
    const connection = this.#connection;
    if (connection !== undefined) {
      connection.markClosed();
      this.#settings.hubs.existingHub(this.#conversationId)?.remove(connection);
    }
    this.#settings.connectionCount.closed();
  }

  #deliver(connection: WebSocketConnection, data: RawData, isBinary: boolean): void {
    const message = readUserMessage(data, isBinary);
    if (message !== authFrame) this.#messageHandler(connection).handle(message);
  }

  #messageHandler(connection: WebSocketConnection): ClientMessageHandler {
    if (this.#handler !== undefined) return this.#handler;
    const settings = this.#settings;
    this.#handler = new ClientMessageHandler({
      conversations: settings.conversations,
      userId: this.#userId,
      conversationId: this.#conversationId,
      rateLimiter: new MessageRateLimiter({
        perSecond: settings.messagesPerSecond,
        burst: settings.messageBurst,
      }),
      logger: this.logger,
      dispatches: settings.dispatches,
      secrets: settings.secrets,
      sendError: (code, message) => connection.sendEncoded(encodeV1Error(code, message)),
      disconnectFlood: () => connection.close('rate limited'),
    });
    return this.#handler;
  }

  #signal(): AbortSignal {
    if (this.#abort === undefined) {
      this.#abort = new AbortController();
      if (this.#closed) this.#abort.abort();
    }
    return this.#abort.signal;
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
  const text = rawText(data);
  if (jsonNestsDeeperThan(text, maximumJsonDepth)) {
    return new UnreadableMessage(`JSON nested deeper than ${maximumJsonDepth} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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
    if (error.code === 'SESSION_API_KEY_INVALID' || error.code === 'AUTH_REQUIRED') {
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
