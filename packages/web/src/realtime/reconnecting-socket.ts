/**
 * `ReconnectingSocket`: one reconnecting WebSocket link with the contract of upstream's
 * `frontend/src/hooks/use-websocket.ts` (reference §3.3), free of any UI framework (the React hook
 * `useWebSocket` is a thin layer over it). Differences from upstream:
 *
 * - Reconnects wait an exponential backoff with full jitter (`backoff.ts`) instead of a fixed 3 s.
 *   Base, cap, the random source and the timers can be injected.
 * - `resumeParams()` is asked before every connect; what it returns is merged over `queryParams`
 *   (a `null` value removes a key), so a caller resumes with `after_id` of the last id it saw. The
 *   cursor's value is the caller's (it knows what the frames mean); the socket only asks for it.
 * - `heartbeatTimeoutMs`: a link that delivers no frame for that long is treated as dead. The socket
 *   is dropped and handled as closed with code 4000 (`heartbeatTimeoutCode`), which reconnects.
 * - Close codes 1000 (normal), 4001 (authentication failed) and 4004 (conversation not found) and a
 *   manual `disconnect()` never reconnect; any other close does, while attempts remain.
 * - A socket left behind (replaced after a close, dropped by the heartbeat, or by `close()`) is
 *   detached first: it calls no callback and delivers no frame, so nothing arrives twice.
 *
 * Options are read when something happens, so `setOptions` takes effect at the next event without
 * a reconnect; the URL, the socket factory and the timers are fixed at construction. `status` says
 * where the link stands; `onStatus` hears every change of it.
 */
import { backoffDelay, defaultBackoff } from './backoff';
import {
  closeEvent,
  closeQuietly,
  detach,
  finalCloseCodes,
  heartbeatTimeoutCode,
  initialSocketStatus,
  isLive,
  socketState,
  type ReconnectingSocketOptions,
  type SocketData,
  type SocketEndpoint,
  type SocketLike,
  type SocketStatus,
  type SocketTimers,
} from './socket-types';
import { withQuery, type QueryValue } from './websocket-url';

const globalTimers: SocketTimers = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ReconnectingSocket<TSocket extends SocketLike = SocketLike> {
  readonly #url: string;
  readonly #createSocket: (url: string) => TSocket;
  readonly #timers: SocketTimers;
  #options: ReconnectingSocketOptions<TSocket>;
  #status: SocketStatus<TSocket> = initialSocketStatus;
  /** The socket whose events count; any other one is detached. */
  #current: TSocket | null = null;
  #attempts = 0;
  #reconnectTimer: unknown = undefined;
  #heartbeatTimer: unknown = undefined;
  /** `disconnect()` was called: no reconnect until `reconnect()`. */
  #manual = false;
  /** `close()` was called: nothing more happens. */
  #disposed = false;

  constructor(endpoint: SocketEndpoint<TSocket>, options: ReconnectingSocketOptions<TSocket> = {}) {
    this.#url = endpoint.url;
    this.#createSocket = endpoint.createSocket;
    this.#timers = endpoint.timers ?? globalTimers;
    this.#options = options;
  }

  get status(): SocketStatus<TSocket> {
    return this.#status;
  }

  /** Replaces the options; read from the next event on (no reconnect). */
  setOptions(options: ReconnectingSocketOptions<TSocket>): void {
    this.#options = options;
  }

  /** Opens the first socket. */
  start(): void {
    this.#connect();
  }

  /** Sends when the socket is open; otherwise drops the data (as upstream) and returns false. */
  send(data: SocketData): boolean {
    const socket = this.#current;
    if (socket === null || socket.readyState !== socketState.open) return false;
    socket.send(data);
    return true;
  }

  /** Closes with 1000 and stops reconnecting until `reconnect()`. */
  disconnect(): void {
    if (this.#disposed) return;
    this.#manual = true;
    this.#clearReconnectTimer();
    this.#update({ isReconnecting: false, reconnectDelayMs: null });
    const socket = this.#current;
    if (socket !== null && isLive(socket)) socket.close(1000, 'Client disconnected');
  }

  /** Connects now: cancels a pending backoff, or reopens after `disconnect()` or giving up. */
  reconnect(): void {
    if (this.#disposed) return;
    const socket = this.#current;
    if (socket !== null && isLive(socket)) return;
    this.#manual = false;
    this.#connect();
  }

  /** Ends the link for good: the socket is detached and closed with 1000; no callback follows. */
  close(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#clearReconnectTimer();
    this.#clearHeartbeatTimer();
    const socket = this.#current;
    this.#current = null;
    if (socket !== null) {
      detach(socket);
      closeQuietly(socket, 1000, 'Client went away');
    }
    this.#update({ isConnected: false, isReconnecting: false, reconnectDelayMs: null });
  }

  #connect(): void {
    if (this.#disposed) return;
    this.#clearReconnectTimer();
    const options = this.#options;
    const params: Record<string, QueryValue> = {
      ...options.queryParams,
      ...options.resumeParams?.(),
    };
    const socket = this.#createSocket(withQuery(this.#url, params));
    this.#current = socket;
    this.#update({ reconnectDelayMs: null, socket });
    socket.onopen = (event) => this.#handleOpen(socket, event);
    socket.onmessage = (event) => this.#handleMessage(socket, event);
    socket.onerror = (event) => this.#handleError(socket, event);
    socket.onclose = (event) => this.#handleClose(socket, event);
  }

  #handleOpen(socket: TSocket, event: Event): void {
    if (this.#current !== socket) return;
    this.#attempts = 0;
    this.#update({ isConnected: true, error: null, isReconnecting: false, attemptCount: 0 });
    this.#armHeartbeat(socket);
    this.#options.onOpen?.(event);
  }

  #handleMessage(socket: TSocket, event: MessageEvent): void {
    if (this.#current !== socket) return;
    this.#armHeartbeat(socket);
    this.#options.onMessage?.(event);
  }

  #handleError(socket: TSocket, event: Event): void {
    if (this.#current !== socket) return;
    this.#update({ isConnected: false });
    this.#options.onError?.(event);
  }

  #handleClose(socket: TSocket, event: CloseEvent): void {
    if (this.#current !== socket || this.#disposed) return;
    this.#clearHeartbeatTimer();
    const options = this.#options;
    const abnormal = event.code !== 1000 && !this.#manual;
    const reason = event.reason || 'Connection closed unexpectedly';
    this.#update({
      isConnected: false,
      ...(abnormal
        ? { error: new Error(`WebSocket closed with code ${event.code}: ${reason}`) }
        : {}),
    });
    if (abnormal) options.onError?.(event);
    options.onClose?.(event);
    const reconnect = options.reconnect ?? {};
    const allowed =
      reconnect.enabled === true &&
      !this.#manual &&
      !finalCloseCodes.has(event.code) &&
      this.#attempts < (reconnect.maxAttempts ?? Infinity);
    if (!allowed) {
      this.#update({ isReconnecting: false });
      return;
    }
    const delay = backoffDelay(this.#attempts, {
      baseDelayMs: reconnect.baseDelayMs ?? defaultBackoff.baseDelayMs,
      maxDelayMs: reconnect.maxDelayMs ?? defaultBackoff.maxDelayMs,
      random: options.random ?? Math.random,
    });
    this.#attempts += 1;
    this.#update({
      attemptCount: this.#attempts,
      isReconnecting: true,
      reconnectDelayMs: delay,
    });
    this.#reconnectTimer = this.#timers.setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#connect();
    }, delay);
  }

  #armHeartbeat(socket: TSocket): void {
    this.#clearHeartbeatTimer();
    const timeoutMs = this.#options.heartbeatTimeoutMs ?? 0;
    if (timeoutMs <= 0) return;
    this.#heartbeatTimer = this.#timers.setTimeout(() => {
      this.#heartbeatTimer = undefined;
      if (this.#current !== socket) return;
      // A dead link may never finish a closing handshake: stop listening and treat it as closed.
      detach(socket);
      closeQuietly(socket, heartbeatTimeoutCode, 'Heartbeat timeout');
      this.#handleClose(socket, closeEvent(heartbeatTimeoutCode, 'Heartbeat timeout'));
    }, timeoutMs);
  }

  #clearReconnectTimer(): void {
    if (this.#reconnectTimer !== undefined) this.#timers.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
  }

  #clearHeartbeatTimer(): void {
    if (this.#heartbeatTimer !== undefined) this.#timers.clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  /** Applies a change to the status; `onStatus` hears it when anything differs. */
  #update(change: Partial<SocketStatus<TSocket>>): void {
    const previous = this.#status;
    const next = { ...previous, ...change };
    const keys = Object.keys(change) as (keyof SocketStatus<TSocket>)[];
    if (keys.every((key) => Object.is(previous[key], next[key]))) return;
    this.#status = next;
    this.#options.onStatus?.(next);
  }
}
