/**
 * `useWebSocket(url, options)`: a reconnecting WebSocket for React, with the contract of upstream's
 * `frontend/src/hooks/use-websocket.ts` (reference §3.3) and these differences:
 *
 * - Reconnects wait an exponential backoff with full jitter (`backoff.ts`) instead of a fixed 3 s.
 *   Base, cap, the random source and the timers can be injected.
 * - `resumeParams()` is asked before every connect; what it returns is merged over `queryParams`
 *   (a `null` value removes a key), so a caller resumes with `after_id` of the last id it saw.
 * - `heartbeatTimeoutMs`: a link that delivers no frame for that long is treated as dead. The socket
 *   is dropped and handled as closed with code 4000 (`heartbeatTimeoutCode`), which reconnects.
 * - `messages` keeps only the newest `maxMessages` frames (default 200; 0 keeps none).
 * - Close codes 1000 (normal), 4001 (authentication failed) and 4004 (conversation not found) and a
 *   manual `disconnect()` never reconnect; any other close does, while attempts remain.
 * - Sockets left behind by an unmount or a URL change are detached first: they call no callback.
 *
 * `attemptCount` is the number of reconnects since the last successful open (reset to 0 on open).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { backoffDelay, defaultBackoff } from './backoff';
import { withQuery, type QueryValue } from './websocket-url';

/** The timer functions the hook uses; tests inject fakes to drive reconnects and heartbeats. */
export interface HookTimers {
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

export interface WebSocketHookOptions {
  queryParams?: Record<string, string | boolean>;
  /**
   * Extra query parameters for the next connect (the first one too), merged over `queryParams`;
   * `null` removes a key. Return e.g. `{ after_id: '41', resend_all: null }` to resume.
   */
  resumeParams?: () => Readonly<Record<string, QueryValue>> | undefined;
  onOpen?: (event: Event) => void;
  onClose?: (event: CloseEvent) => void;
  onMessage?: (event: MessageEvent) => void;
  onError?: (event: Event) => void;
  reconnect?: ReconnectOptions;
  /** No frame for this many ms closes the link as dead and reconnects; off when absent or 0. */
  heartbeatTimeoutMs?: number;
  /** How many recent frames `messages` keeps (default 200; 0 keeps none and skips re-renders). */
  maxMessages?: number;
  /** Random source for the jitter, values in [0, 1). */
  random?: () => number;
  timers?: HookTimers;
}

export interface WebSocketHookResult {
  isConnected: boolean;
  lastMessage: string | null;
  messages: string[];
  error: Error | null;
  socket: WebSocket | null;
  /** Sends when the socket is open; otherwise drops the data (as upstream) and returns false. */
  sendMessage: (data: string | ArrayBufferLike | Blob | ArrayBufferView) => boolean;
  isReconnecting: boolean;
  attemptCount: number;
  /** Closes with 1000 and stops reconnecting until `reconnect()` or a new URL. */
  disconnect: () => void;
  /** Connects now: cancels a pending backoff, or reopens after `disconnect()` or giving up. */
  reconnect: () => void;
  /** The wait before the pending reconnect in ms, or null when none is scheduled. */
  reconnectDelayMs: number | null;
}

/** Close code of a link given up by the heartbeat timeout (application range, never sent by a server). */
export const heartbeatTimeoutCode = 4000;

/** Close codes after which reconnecting cannot help. */
export const finalCloseCodes: ReadonlySet<number> = new Set([1000, 4001, 4004]);

const defaultMaxMessages = 200;

const globalTimers: HookTimers = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** One connection loop: the sockets opened for one URL and query, until unmount or a change. */
interface Session {
  socket: WebSocket | null;
  attempts: number;
  reconnectTimer: unknown;
  heartbeatTimer: unknown;
  /** `disconnect()` was called: no reconnect until `reconnect()`. */
  manual: boolean;
  /** Unmounted or replaced: nothing more happens. */
  disposed: boolean;
  connect: () => void;
}

export function useWebSocket(url: string, options: WebSocketHookOptions = {}): WebSocketHookResult {
  const [isConnected, setIsConnected] = useState(false);
  const [lastMessage, setLastMessage] = useState<string | null>(null);
  const [messages, setMessages] = useState<string[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const [socket, setSocket] = useState<WebSocket | null>(null);
  const [isReconnecting, setIsReconnecting] = useState(false);
  const [attemptCount, setAttemptCount] = useState(0);
  const [reconnectDelayMs, setReconnectDelayMs] = useState<number | null>(null);

  // The latest options, read when something happens, so new callbacks need no reconnect.
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const sessionRef = useRef<Session | null>(null);

  const queryKey = JSON.stringify(options.queryParams ?? {});

  useEffect(() => {
    if (url.trim() === '') return undefined;
    const timers = optionsRef.current.timers ?? globalTimers;
    const session: Session = {
      socket: null,
      attempts: 0,
      reconnectTimer: undefined,
      heartbeatTimer: undefined,
      manual: false,
      disposed: false,
      connect,
    };
    sessionRef.current = session;

    function clearTimer(name: 'reconnectTimer' | 'heartbeatTimer'): void {
      if (session[name] !== undefined) timers.clearTimeout(session[name]);
      session[name] = undefined;
    }

    function armHeartbeat(current: WebSocket): void {
      clearTimer('heartbeatTimer');
      const timeoutMs = optionsRef.current.heartbeatTimeoutMs ?? 0;
      if (timeoutMs <= 0) return;
      session.heartbeatTimer = timers.setTimeout(() => {
        session.heartbeatTimer = undefined;
        if (session.socket !== current) return;
        // A dead link may never finish a closing handshake: stop listening and treat it as closed.
        detach(current);
        closeQuietly(current, heartbeatTimeoutCode, 'Heartbeat timeout');
        const event = new CloseEvent('close', {
          code: heartbeatTimeoutCode,
          reason: 'Heartbeat timeout',
          wasClean: false,
        });
        handleClose(current, event);
      }, timeoutMs);
    }

    function connect(): void {
      if (session.disposed) return;
      clearTimer('reconnectTimer');
      setReconnectDelayMs(null);
      const current = optionsRef.current;
      const params: Record<string, QueryValue> = {
        ...current.queryParams,
        ...current.resumeParams?.(),
      };
      const next = new WebSocket(withQuery(url, params));
      session.socket = next;
      setSocket(next);

      next.onopen = (event) => {
        if (session.socket !== next) return;
        session.attempts = 0;
        setIsConnected(true);
        setError(null);
        setIsReconnecting(false);
        setAttemptCount(0);
        armHeartbeat(next);
        optionsRef.current.onOpen?.(event);
      };
      next.onmessage = (event: MessageEvent) => {
        if (session.socket !== next) return;
        armHeartbeat(next);
        const data = typeof event.data === 'string' ? event.data : String(event.data);
        const keep = optionsRef.current.maxMessages ?? defaultMaxMessages;
        if (keep > 0) {
          setLastMessage(data);
          setMessages((previous) => {
            const appended = [...previous, data];
            return appended.length > keep ? appended.slice(appended.length - keep) : appended;
          });
        }
        optionsRef.current.onMessage?.(event);
      };
      next.onerror = (event) => {
        if (session.socket !== next) return;
        setIsConnected(false);
        optionsRef.current.onError?.(event);
      };
      next.onclose = (event) => handleClose(next, event);
    }

    function handleClose(closed: WebSocket, event: CloseEvent): void {
      if (session.socket !== closed || session.disposed) return;
      clearTimer('heartbeatTimer');
      setIsConnected(false);
      const current = optionsRef.current;
      if (event.code !== 1000 && !session.manual) {
        setError(
          new Error(
            `WebSocket closed with code ${event.code}: ${event.reason || 'Connection closed unexpectedly'}`,
          ),
        );
        current.onError?.(event);
      }
      current.onClose?.(event);
      const reconnect = current.reconnect ?? {};
      const allowed =
        reconnect.enabled === true &&
        !session.manual &&
        !finalCloseCodes.has(event.code) &&
        session.attempts < (reconnect.maxAttempts ?? Infinity);
      if (!allowed) {
        setIsReconnecting(false);
        return;
      }
      const delay = backoffDelay(session.attempts, {
        baseDelayMs: reconnect.baseDelayMs ?? defaultBackoff.baseDelayMs,
        maxDelayMs: reconnect.maxDelayMs ?? defaultBackoff.maxDelayMs,
        random: current.random ?? Math.random,
      });
      session.attempts += 1;
      setAttemptCount(session.attempts);
      setIsReconnecting(true);
      setReconnectDelayMs(delay);
      session.reconnectTimer = timers.setTimeout(() => {
        session.reconnectTimer = undefined;
        connect();
      }, delay);
    }

    connect();

    return () => {
      session.disposed = true;
      clearTimer('reconnectTimer');
      clearTimer('heartbeatTimer');
      if (sessionRef.current === session) sessionRef.current = null;
      const open = session.socket;
      session.socket = null;
      if (open !== null) {
        detach(open);
        closeQuietly(open, 1000, 'Client went away');
      }
      setIsConnected(false);
      setIsReconnecting(false);
      setReconnectDelayMs(null);
    };
    // queryKey stands for options.queryParams; callbacks are read through optionsRef.
  }, [url, queryKey]);

  const sendMessage = useCallback(
    (data: string | ArrayBufferLike | Blob | ArrayBufferView): boolean => {
      const current = sessionRef.current?.socket;
      if (current === null || current === undefined || current.readyState !== WebSocket.OPEN) {
        return false;
      }
      current.send(data);
      return true;
    },
    [],
  );

  const disconnect = useCallback(() => {
    const session = sessionRef.current;
    if (session === null) return;
    session.manual = true;
    const timers = optionsRef.current.timers ?? globalTimers;
    if (session.reconnectTimer !== undefined) timers.clearTimeout(session.reconnectTimer);
    session.reconnectTimer = undefined;
    setIsReconnecting(false);
    setReconnectDelayMs(null);
    const current = session.socket;
    if (
      current !== null &&
      (current.readyState === WebSocket.CONNECTING || current.readyState === WebSocket.OPEN)
    ) {
      current.close(1000, 'Client disconnected');
    }
  }, []);

  const reconnect = useCallback(() => {
    const session = sessionRef.current;
    if (session === null || session.disposed) return;
    const current = session.socket;
    if (
      current !== null &&
      (current.readyState === WebSocket.CONNECTING || current.readyState === WebSocket.OPEN)
    ) {
      return;
    }
    session.manual = false;
    session.connect();
  }, []);

  return {
    isConnected,
    lastMessage,
    messages,
    error,
    socket,
    sendMessage,
    isReconnecting,
    attemptCount,
    disconnect,
    reconnect,
    reconnectDelayMs,
  };
}

function detach(socket: WebSocket): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onerror = null;
  socket.onclose = null;
}

function closeQuietly(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
  try {
    socket.close(code, reason);
  } catch {
    // Closing a socket that never opened can throw in some engines; it is gone either way.
  }
}
