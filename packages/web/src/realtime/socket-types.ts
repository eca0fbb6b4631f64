/**
 * The contract of `ReconnectingSocket` (reconnecting-socket.ts): what it needs of a socket and of
 * the timers, its options and status, the close codes it knows, and the small socket helpers it
 * uses. Framework-free, like the class.
 */
import type { QueryValue } from './websocket-url';

/** The timer functions the socket uses; tests inject fakes to drive reconnects and heartbeats. */
export interface SocketTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ReconnectOptions {
  /** Default false, as upstream. */
  enabled?: boolean;
  /** Reconnects allowed after a close before giving up; default Infinity. */
  maxAttempts?: number;
  /** Backoff window of the first retry in ms (default 500). */
  baseDelayMs?: number;
  /** Largest backoff window in ms (default 30 000). */
  maxDelayMs?: number;
}

export type SocketData = string | ArrayBufferLike | Blob | ArrayBufferView;

/** What the class needs of a WebSocket: the browser's has it; tests pass fakes. */
export interface SocketLike {
  readonly url: string;
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  send(data: SocketData): void;
  close(code?: number, reason?: string): void;
}

/** `readyState` values (the WebSocket constants, which need no global `WebSocket` here). */
export const socketState = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;

export interface SocketStatus<TSocket extends SocketLike = SocketLike> {
  isConnected: boolean;
  /** A reconnect is scheduled (its wait is `reconnectDelayMs`). */
  isReconnecting: boolean;
  /** Reconnects since the last successful open (reset to 0 on open). */
  attemptCount: number;
  /** The wait before the pending reconnect in ms, or null when none is scheduled. */
  reconnectDelayMs: number | null;
  /** Why the last link closed abnormally; null after an open or a normal or manual close. */
  error: Error | null;
  /** The current (or last) socket; null before the first connect. */
  socket: TSocket | null;
}

export interface ReconnectingSocketOptions<TSocket extends SocketLike = SocketLike> {
  queryParams?: Readonly<Record<string, QueryValue>>;
  /**
   * Extra query parameters for the next connect (the first one too), merged over `queryParams`;
   * `null` removes a key. Return e.g. `{ after_id: '41', resend_all: null }` to resume.
   */
  resumeParams?: () => Readonly<Record<string, QueryValue>> | undefined;
  onOpen?: (event: Event) => void;
  onClose?: (event: CloseEvent) => void;
  onMessage?: (event: MessageEvent) => void;
  onError?: (event: Event) => void;
  onStatus?: (status: SocketStatus<TSocket>) => void;
  reconnect?: ReconnectOptions;
  /** No frame for this many ms closes the link as dead and reconnects; off when absent or 0. */
  heartbeatTimeoutMs?: number;
  /** Random source for the jitter, values in [0, 1). */
  random?: () => number;
}

export interface SocketEndpoint<TSocket extends SocketLike> {
  /** The socket URL without the query. */
  url: string;
  /** Opens a socket, e.g. `(url) => new WebSocket(url)`. */
  createSocket: (url: string) => TSocket;
  timers?: SocketTimers;
}

/** The status before the first connect: nothing open, nothing pending, no error. */
export const initialSocketStatus: SocketStatus<never> = {
  isConnected: false,
  isReconnecting: false,
  attemptCount: 0,
  reconnectDelayMs: null,
  error: null,
  socket: null,
};

/** Close code of a link given up by the heartbeat timeout (application range, never sent by a server). */
export const heartbeatTimeoutCode = 4000;

/** Close codes after which reconnecting cannot help. */
export const finalCloseCodes: ReadonlySet<number> = new Set([1000, 4001, 4004]);

export function isLive(socket: SocketLike): boolean {
  return socket.readyState === socketState.connecting || socket.readyState === socketState.open;
}

export function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onerror = null;
  socket.onclose = null;
}

export function closeQuietly(socket: SocketLike, code: number, reason: string): void {
  if (!isLive(socket)) return;
  try {
    socket.close(code, reason);
  } catch {
    // Closing a socket that never opened can throw in some engines; it is gone either way.
  }
}

/**
 * The close event of a link the client gave up on: a `CloseEvent` where the platform has one
 * (browsers, jsdom), else an `Event` carrying the same fields (Node 20 has no `CloseEvent`).
 */
export function closeEvent(code: number, reason: string): CloseEvent {
  const init = { code, reason, wasClean: false };
  if (typeof CloseEvent === 'function') return new CloseEvent('close', init);
  return Object.assign(new Event('close'), init) as CloseEvent;
}
