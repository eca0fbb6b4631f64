/**
 * The socket layer of the web app, independent of what the frames mean:
 * - `useWebSocket(url, options)`: upstream's reconnecting hook contract plus backoff with jitter,
 *   resume parameters, a heartbeat timeout and bounded message memory (see use-websocket.ts);
 * - `backoffDelay(attempt, options)`: the reconnect schedule;
 * - `buildWebSocketUrl(conversationId, conversationUrl)` and `withQuery(url, params)`.
 */
export { useWebSocket, heartbeatTimeoutCode, finalCloseCodes } from './use-websocket';
export type {
  HookTimers,
  ReconnectOptions,
  WebSocketHookOptions,
  WebSocketHookResult,
} from './use-websocket';
export { backoffDelay, defaultBackoff } from './backoff';
export type { BackoffOptions } from './backoff';
export { buildWebSocketUrl, withQuery } from './websocket-url';
export type { PageLocation, QueryValue } from './websocket-url';
