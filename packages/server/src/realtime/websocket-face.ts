import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { StoredEvent } from '../events/event-store.js';
import { originPermitted } from './origin-check.js';
import type { LiveBroadcaster, RealtimeConnection } from './realtime-connection.js';
import { encodeV1Event, encodeV1Heartbeat } from './v1-frames.js';
import { closeCodes, type WebSocketConnection } from './websocket-connection.js';
import type { WebSocketSessionSettings } from './websocket-session.js';
import { WebSocketSessions } from './websocket-sessions.js';

export interface WebSocketFaceOptions extends WebSocketSessionSettings {
  isOriginAllowed(origin: string | undefined): boolean;
}

export const v1SocketPathPrefix = '/sockets/events/';

/** Largest inbound frame; a bigger one closes the socket with 1009, as design.md §10 asks. */
const maxPayload = 4 * 1024 * 1024;

/**
 * The V1 face: a raw WebSocket per client at `/sockets/events/{conversation_id}` (reference §3.1).
 * It routes upgrades and broadcasts; each socket's life (authentication, admission, `full_state`
 * snapshot, replay, client messages) is a session (websocket-session.ts).
 */
export class WebSocketFace implements LiveBroadcaster {
  readonly face = 'websocket' as const;
  readonly #options: WebSocketFaceOptions;
  readonly #server = new WebSocketServer({ noServer: true, maxPayload });
  readonly #sessions: WebSocketSessions;
  #closing = false;

  constructor(options: WebSocketFaceOptions) {
    this.#options = options;
    this.#sessions = new WebSocketSessions(options);
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
    // Nothing made here may outlive the upgrade: a closure over `request` would keep the whole
    // IncomingMessage (and its headers) alive for as long as the socket is open.
    this.#server.handleUpgrade(request, socket, head, (webSocket) =>
      this.#sessions.open(webSocket, request.headers, url.searchParams, conversationId),
    );
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
  /** Closes every admitted socket of a user (4001, "signed out"). */
  closeUser(userId: string): void {
    this.#sessions.closeUser(userId);
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#sessions.closeAll(closeCodes.goingAway, 'server shutting down');
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
