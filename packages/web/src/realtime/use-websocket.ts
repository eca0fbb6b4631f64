/**
 * `useWebSocket(url, options)`: the React face of `ReconnectingSocket` (reconnecting-socket.ts, where
 * the connection rules are described: backoff with jitter, resume parameters, heartbeat timeout,
 * final close codes, detached leftovers). The hook adds what React needs:
 *
 * - one `ReconnectingSocket` per URL and query; a change of either (or an unmount) closes it
 *   silently and opens a new one;
 * - the socket's status as state (`isConnected`, `error`, `socket`, `isReconnecting`,
 *   `attemptCount`, `reconnectDelayMs`);
 * - `messages`, the newest `maxMessages` frames (default 200; 0 keeps none and skips re-renders),
 *   and `lastMessage`;
 * - the latest options and callbacks are read when something happens, so new callbacks need no
 *   reconnect.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ReconnectingSocket } from './reconnecting-socket';
import { initialSocketStatus } from './socket-types';
import type {
  ReconnectOptions,
  ReconnectingSocketOptions,
  SocketData,
  SocketStatus,
  SocketTimers,
} from './socket-types';
import type { QueryValue } from './websocket-url';

export { finalCloseCodes, heartbeatTimeoutCode } from './socket-types';
export type { ReconnectOptions } from './socket-types';

/** The timer functions the hook uses; tests inject fakes to drive reconnects and heartbeats. */
export type HookTimers = SocketTimers;

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
  sendMessage: (data: SocketData) => boolean;
  isReconnecting: boolean;
  attemptCount: number;
  /** Closes with 1000 and stops reconnecting until `reconnect()` or a new URL. */
  disconnect: () => void;
  /** Connects now: cancels a pending backoff, or reopens after `disconnect()` or giving up. */
  reconnect: () => void;
  /** The wait before the pending reconnect in ms, or null when none is scheduled. */
  reconnectDelayMs: number | null;
}

const defaultMaxMessages = 200;

const openBrowserSocket = (url: string): WebSocket => new WebSocket(url);

export function useWebSocket(url: string, options: WebSocketHookOptions = {}): WebSocketHookResult {
  const [status, setStatus] = useState<SocketStatus<WebSocket>>(initialSocketStatus);
  const [lastMessage, setLastMessage] = useState<string | null>(null);
  const [messages, setMessages] = useState<string[]>([]);

  // The latest options, read when something happens, so new callbacks need no reconnect.
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const socketRef = useRef<ReconnectingSocket<WebSocket> | null>(null);

  const queryKey = JSON.stringify(options.queryParams ?? {});

  useEffect(() => {
    if (url.trim() === '') return undefined;
    const reconnecting = new ReconnectingSocket(
      { url, createSocket: openBrowserSocket, timers: optionsRef.current.timers },
      socketOptions(optionsRef, setStatus, (data) => {
        const keep = optionsRef.current.maxMessages ?? defaultMaxMessages;
        if (keep <= 0) return;
        setLastMessage(data);
        setMessages((previous) => {
          const appended = [...previous, data];
          return appended.length > keep ? appended.slice(appended.length - keep) : appended;
        });
      }),
    );
    socketRef.current = reconnecting;
    reconnecting.start();
    return () => {
      if (socketRef.current === reconnecting) socketRef.current = null;
      reconnecting.close();
    };
    // queryKey stands for options.queryParams; callbacks are read through optionsRef.
  }, [url, queryKey]);

  const sendMessage = useCallback(
    (data: SocketData): boolean => socketRef.current?.send(data) ?? false,
    [],
  );
  const disconnect = useCallback(() => socketRef.current?.disconnect(), []);
  const reconnect = useCallback(() => socketRef.current?.reconnect(), []);

  return {
    isConnected: status.isConnected,
    lastMessage,
    messages,
    error: status.error,
    socket: status.socket,
    sendMessage,
    isReconnecting: status.isReconnecting,
    attemptCount: status.attemptCount,
    disconnect,
    reconnect,
    reconnectDelayMs: status.reconnectDelayMs,
  };
}

/**
 * The socket's options: every value and callback read from the hook's latest options when the
 * socket needs it; status changes become state; each frame is kept (`keep`) before `onMessage`.
 */
function socketOptions(
  optionsRef: { readonly current: WebSocketHookOptions },
  setStatus: (status: SocketStatus<WebSocket>) => void,
  keep: (data: string) => void,
): ReconnectingSocketOptions<WebSocket> {
  return {
    get queryParams() {
      return optionsRef.current.queryParams;
    },
    resumeParams: () => optionsRef.current.resumeParams?.(),
    get reconnect() {
      return optionsRef.current.reconnect;
    },
    get heartbeatTimeoutMs() {
      return optionsRef.current.heartbeatTimeoutMs;
    },
    get random() {
      return optionsRef.current.random;
    },
    onOpen: (event) => optionsRef.current.onOpen?.(event),
    onMessage: (event) => {
      keep(typeof event.data === 'string' ? event.data : String(event.data));
      optionsRef.current.onMessage?.(event);
    },
    onError: (event) => optionsRef.current.onError?.(event),
    onClose: (event) => optionsRef.current.onClose?.(event),
    onStatus: setStatus,
  };
}
