/**
 * `useConversationStream(options)`: one conversation's live state over the V1 socket
 * (`/sockets/events/{id}`), for the conversation page. It wires `useWebSocket` to the pure
 * `conversationStreamReducer` (conversation-stream.ts, where the rules are described) and adds:
 *
 * - the connect query: `resend_all=true` and `stream=true` (streaming deltas), plus
 *   `session_api_key` when one is configured; reconnects resume with `after_id` = the last log id
 *   seen instead of `resend_all`, so only the missing suffix is replayed;
 * - reconnects with backoff and no attempt limit, and a heartbeat timeout of 2.5 × the server's
 *   heartbeat interval (15 s unless told);
 * - the history size from `GET /api/v1/events/count` after the first open;
 * - metrics from REST after the first open and after every final agent message;
 * - `sendMessage(text)`: sets the optimistic message and sends a V1 user message frame; when the
 *   socket is not open it sets the error message and throws "WebSocket is not connected" (as
 *   upstream).
 *
 * A change of `conversationId` starts from a clean state on a new socket.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { V1UserMessageFrame } from '@parley/protocol';
import { createApiClient, type ApiClient } from '../api';
import {
  buildWebSocketUrl,
  useWebSocket,
  finalCloseCodes,
  type HookTimers,
  type ReconnectOptions,
} from '../realtime';
import { conversationStreamReducer } from './conversation-stream';
import {
  initialConversationStreamState,
  type ConversationStreamAction,
  type ConversationStreamState,
} from './conversation-stream-state';

export interface UseConversationStreamOptions {
  /** The conversation to follow; null or '' connects nothing. */
  conversationId: string | null;
  /** The conversation's `url` from REST; its host is used when absolute. */
  conversationUrl?: string | null;
  /** Sent as `session_api_key` on the socket (and used by the default API client). */
  sessionApiKey?: string | null;
  /** The REST client for the history count and metrics; one for the page's origin by default. */
  api?: Pick<ApiClient, 'countEvents' | 'getConversationMetrics'>;
  /** Overrides the socket URL (without query), e.g. in tests. */
  socketUrl?: string;
  /** The server's heartbeat interval in ms (default 15 000); the link is dead after 2.5 ×. */
  heartbeatIntervalMs?: number;
  /** Backoff settings; reconnecting is always on here. */
  reconnect?: Omit<ReconnectOptions, 'enabled'>;
  /** Fetch metrics from REST (default true). */
  loadMetrics?: boolean;
  random?: () => number;
  timers?: HookTimers;
}

export interface SendMessageOptions {
  imageUrls?: readonly string[];
}

export interface ConversationStream extends ConversationStreamState {
  /** Sends a user message; throws "WebSocket is not connected" when the socket is not open. */
  sendMessage: (text: string, options?: SendMessageOptions) => void;
  setOptimisticMessage: (text: string | null) => void;
  clearError: () => void;
  /** Closes the socket for good (no reconnect until `reconnect()`). */
  disconnect: () => void;
  /** Connects now (after a disconnect, or skipping a pending backoff). */
  reconnect: () => void;
  refreshMetrics: () => void;
  isReconnecting: boolean;
  attemptCount: number;
  reconnectDelayMs: number | null;
}

export const defaultHeartbeatIntervalMs = 15_000;
/** How many heartbeat intervals of silence mean the link is dead. */
export const heartbeatTolerance = 2.5;

export function useConversationStream(options: UseConversationStreamOptions): ConversationStream {
  const conversationId = options.conversationId ?? '';
  const [keyed, keyedDispatch] = useReducer(keyedReducer, conversationId, (id) => ({
    conversationId: id,
    stream: initialConversationStreamState(),
  }));
  // A new conversation starts from a clean state (the socket hook reconnects on the URL change).
  const fresh = useMemo(() => initialConversationStreamState(), [conversationId]);
  const state = keyed.conversationId === conversationId ? keyed.stream : fresh;
  const stateRef = useRef(state);
  stateRef.current = state;
  // Answers that arrive after a switch (a count, metrics) belong to the old conversation: dropped.
  const currentIdRef = useRef(conversationId);
  currentIdRef.current = conversationId;
  const dispatch = useCallback(
    (action: ConversationStreamAction) => {
      if (currentIdRef.current === conversationId) keyedDispatch({ conversationId, action });
    },
    [conversationId],
  );

  const sessionApiKey = options.sessionApiKey ?? null;
  const defaultApi = useMemo(() => createApiClient({ sessionApiKey }), [sessionApiKey]);
  const api = options.api ?? defaultApi;
  const apiRef = useRef(api);
  apiRef.current = api;
  const loadMetrics = options.loadMetrics ?? true;

  const url =
    conversationId === ''
      ? ''
      : (options.socketUrl ?? buildWebSocketUrl(conversationId, options.conversationUrl) ?? '');

  const queryParams = useMemo(() => {
    const params: Record<string, string | boolean> = { resend_all: true, stream: true };
    if (sessionApiKey !== null && sessionApiKey !== '') params['session_api_key'] = sessionApiKey;
    return params;
  }, [sessionApiKey]);

  const fetchMetrics = useCallback(
    (id: string) => {
      if (!loadMetrics || id === '') return;
      apiRef.current.getConversationMetrics(id).then(
        (metrics) => dispatch({ type: 'metrics', metrics }),
        () => {
          // Metrics are an extra; the panel keeps what it had.
        },
      );
    },
    [loadMetrics, dispatch],
  );

  const reconnectOptions = options.reconnect;
  const socket = useWebSocket(url, {
    queryParams,
    resumeParams: () => {
      const last = stateRef.current.lastEventId;
      return last === null ? undefined : { resend_all: null, after_id: last };
    },
    onOpen: () => {
      const firstOpen = !stateRef.current.hasConnected;
      dispatch({ type: 'opened' });
      if (!firstOpen) return;
      apiRef.current.countEvents(conversationId).then(
        (count) => dispatch({ type: 'historyCount', count }),
        () => dispatch({ type: 'historyCount', count: null }),
      );
      fetchMetrics(conversationId);
    },
    onMessage: (event) => {
      if (typeof event.data === 'string') dispatch({ type: 'frame', data: event.data });
    },
    onClose: (event) => {
      dispatch({
        type: 'closed',
        code: event.code,
        reason: event.reason,
        willReconnect: !finalCloseCodes.has(event.code),
      });
    },
    reconnect: { ...reconnectOptions, enabled: true },
    heartbeatTimeoutMs:
      (options.heartbeatIntervalMs ?? defaultHeartbeatIntervalMs) * heartbeatTolerance,
    maxMessages: 0,
    ...(options.random === undefined ? {} : { random: options.random }),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
  });

  // The socket's own view decides the "reconnecting" label: a manual disconnect or a spent
  // attempt budget means no reconnect is coming even after an abnormal close.
  const connection =
    state.connection === 'RECONNECTING' && !socket.isReconnecting ? 'CLOSED' : state.connection;

  useEffect(() => {
    if (state.lastAgentMessageId !== null) fetchMetrics(conversationId);
  }, [state.lastAgentMessageId, conversationId, fetchMetrics]);

  const sendSocketMessage = socket.sendMessage;
  const sendMessage = useCallback(
    (text: string, sendOptions: SendMessageOptions = {}) => {
      const content: V1UserMessageFrame['content'] = [{ type: 'text', text }];
      const imageUrls = sendOptions.imageUrls ?? [];
      if (imageUrls.length > 0) content.push({ type: 'image', image_urls: [...imageUrls] });
      const frame: V1UserMessageFrame = { role: 'user', content };
      if (!sendSocketMessage(JSON.stringify(frame))) {
        dispatch({ type: 'errorMessage', message: 'WebSocket is not connected' });
        throw new Error('WebSocket is not connected');
      }
      dispatch({ type: 'optimisticMessage', text });
    },
    [sendSocketMessage, dispatch],
  );

  const setOptimisticMessage = useCallback(
    (text: string | null) => dispatch({ type: 'optimisticMessage', text }),
    [dispatch],
  );
  const clearError = useCallback(
    () => dispatch({ type: 'errorMessage', message: null }),
    [dispatch],
  );
  const refreshMetrics = useCallback(
    () => fetchMetrics(conversationId),
    [fetchMetrics, conversationId],
  );

  return {
    ...state,
    connection,
    sendMessage,
    setOptimisticMessage,
    clearError,
    disconnect: socket.disconnect,
    reconnect: socket.reconnect,
    refreshMetrics,
    isReconnecting: socket.isReconnecting,
    attemptCount: socket.attemptCount,
    reconnectDelayMs: socket.reconnectDelayMs,
  };
}

interface KeyedState {
  conversationId: string;
  stream: ConversationStreamState;
}

/** The stream reducer, restarted from the initial state when the conversation changes. */
function keyedReducer(
  keyed: KeyedState,
  { conversationId, action }: { conversationId: string; action: ConversationStreamAction },
): KeyedState {
  const base =
    keyed.conversationId === conversationId ? keyed.stream : initialConversationStreamState();
  return { conversationId, stream: conversationStreamReducer(base, action) };
}
