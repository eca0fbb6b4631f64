/**
 * The socket layer of the web app, independent of what the frames mean:
 * - `ReconnectingSocket`: one reconnecting WebSocket link, framework-free: backoff with jitter,
 *   resume parameters, a heartbeat timeout, status callbacks (see reconnecting-socket.ts);
 * - `useWebSocket(url, options)`: upstream's hook contract over it, plus bounded message memory
 *   (see use-websocket.ts);
 * - `backoffDelay(attempt, options)`: the reconnect schedule;
 * - `buildWebSocketUrl(conversationId, conversationUrl)` and `withQuery(url, params)`.
 */
export { ReconnectingSocket } from './reconnecting-socket';
export { finalCloseCodes, heartbeatTimeoutCode, socketState } from './socket-types';
export type {
  ReconnectOptions,
  ReconnectingSocketOptions,
  SocketData,
  SocketEndpoint,
  SocketLike,
  SocketStatus,
  SocketTimers,
} from './socket-types';
export { useWebSocket } from './use-websocket';
export type { HookTimers, WebSocketHookOptions, WebSocketHookResult } from './use-websocket';
export { backoffDelay, defaultBackoff } from './backoff';
export type { BackoffOptions } from './backoff';
export { buildWebSocketUrl, withQuery } from './websocket-url';
export type { PageLocation, QueryValue } from './websocket-url';
