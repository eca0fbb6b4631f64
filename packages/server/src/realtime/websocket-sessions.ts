import type { IncomingHttpHeaders } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { closeCodes } from './websocket-connection.js';
import { WebSocketSession, type WebSocketSessionSettings } from './websocket-session.js';

/**
 * The open V1 sockets of one face and their sessions. Every socket gets the same three listener
 * functions (created once here), which find the socket's session in a map: an idle connection
 * holds no closures of its own (benchmark B4 counts the heap per connection).
 */
export class WebSocketSessions {
  readonly #settings: WebSocketSessionSettings;
  readonly #sessions = new Map<WebSocket, WebSocketSession>();
  readonly #onMessage: (this: WebSocket, data: RawData, isBinary: boolean) => void;
  readonly #onError: (this: WebSocket, error: Error) => void;
  readonly #onClose: (this: WebSocket) => void;

  constructor(settings: WebSocketSessionSettings) {
    this.#settings = settings;
    const sessions = this.#sessions;
    this.#onMessage = function (this: WebSocket, data: RawData, isBinary: boolean): void {
      sessions.get(this)?.receive(data, isBinary);
    };
    this.#onError = function (this: WebSocket, error: Error): void {
      sessions.get(this)?.logger.debug({ err: error }, 'V1 socket error');
    };
    this.#onClose = function (this: WebSocket): void {
      const session = sessions.get(this);
      sessions.delete(this);
      session?.closed();
    };
  }

  /** Starts a session on a freshly upgraded socket: authenticate, admit, snapshot, replay, tail. */
  open(
    socket: WebSocket,
    headers: IncomingHttpHeaders,
    query: URLSearchParams,
    conversationId: string,
  ): void {
    const session = new WebSocketSession(socket, conversationId, this.#settings);
    this.#sessions.set(socket, session);
    socket.on('message', this.#onMessage);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    void session.start(headers, query);
  }

  /** Closes every admitted socket of a user with 4001 (their session or token was revoked). */
  closeUser(userId: string): void {
    for (const [socket, session] of this.#sessions) {
      if (session.userId === userId) socket.close(closeCodes.authenticationFailed, 'signed out');
    }
  }

  /** Closes every open socket with `code`. */
  closeAll(code: number, reason: string): void {
    for (const socket of this.#sessions.keys()) socket.close(code, reason);
  }
}
