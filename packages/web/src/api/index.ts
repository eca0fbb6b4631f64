/**
 * The REST client of the web app: `createApiClient(options)` returns an `ApiClient` with typed
 * methods for settings, model options, conversations (list/create/get/start/stop/rename/delete),
 * the V1 event count and per-conversation metrics. Failures reject with `ApiError`.
 */
export { ApiError, createApiClient } from './api-client';
export type {
  ApiClient,
  ApiClientOptions,
  ListConversationsOptions,
  StopConversationResponse,
} from './api-client';
export { conversationMetrics } from './conversation-metrics';
export type { ConversationMetrics, ResponseMetrics } from './conversation-metrics';
export { createAuthClient, oidcStartPath } from './auth-client';
export type { AuthClient } from './auth-client';
