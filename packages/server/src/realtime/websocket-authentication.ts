import { v1AuthFrameSchema } from '@parley/protocol';
import type { RawData, WebSocket } from 'ws';
import type { PresentedKey } from './connect-query.js';
import { closeCodes } from './websocket-connection.js';

export interface WebSocketAuthenticationOptions {
  socket: WebSocket;
  /** A session API key is configured. */
  required: boolean;
  keyFromQuery: PresentedKey;
  timeoutMs: number;
}

/**
 * The key a V1 client presents: from the `session_api_key` query parameter, or, when a key is
 * required and the URL has none, from a first frame `{"type":"auth","session_api_key":"…"}` that
 * must arrive within the timeout (otherwise the socket closes with 4001).
 */
export class WebSocketAuthentication {
  readonly #socket: WebSocket;
  readonly #key: Promise<PresentedKey | null>;
  #resolve: ((key: PresentedKey | null) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: WebSocketAuthenticationOptions) {
    this.#socket = options.socket;
    if (!options.required || options.keyFromQuery !== undefined) {
      this.#key = Promise.resolve(options.keyFromQuery);
      return;
    }
    this.#key = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#timer = setTimeout(() => {
      this.#settle(null);
      this.#socket.close(closeCodes.authenticationFailed, 'Authentication timed out');
    }, options.timeoutMs);
  }

  /**
   * Resolves with the presented key (undefined: none), or null when the client never sent one in
   * time and the socket was closed.
   */
  key(): Promise<PresentedKey | null> {
    return this.#key;
  }

  /** Offers an inbound frame; returns true when it was the awaited auth frame (right or wrong). */
  takeFrame(data: RawData, isBinary: boolean): boolean {
    if (this.#resolve === undefined) return false;
    let key: string | undefined;
    if (!isBinary) {
      try {
        const frame = v1AuthFrameSchema.safeParse(JSON.parse(String(data)));
        if (frame.success) key = frame.data.session_api_key;
      } catch {
        // Not JSON: no key, so the connection is refused with 4001.
      }
    }
    this.#settle(key);
    return true;
  }

  /** The socket closed: stop waiting. */
  cancel(): void {
    this.#settle(null);
  }

  #settle(key: PresentedKey | null): void {
    clearTimeout(this.#timer);
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(key);
  }
}
