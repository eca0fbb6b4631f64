/**
 * The REST client of the web app: `createApiClient(options)` returns an `ApiClient` with typed
 * methods for settings, model options, conversations (list/create/get/start/stop/rename/delete),
 * the V1 event count and per-conversation metrics. Failures reject with `ApiError`.
 */
export { ApiError, conversationMetrics, createApiClient } from './api-client';
export type {
  ApiClient,
  ApiClientOptions,
  ConversationMetrics,
  ListConversationsOptions,
  ResponseMetrics,
  StopConversationResponse,
} from './api-client';
