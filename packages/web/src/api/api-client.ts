/**
 * A small typed client for Parley's REST API (the OpenHands V0 routes plus the V1 event count),
 * built on `fetch`. Requests go to the page's own origin unless `baseUrl` says otherwise, and carry
 * `X-Session-API-Key` when a key is configured.
 *
 *   const api = createApiClient({ sessionApiKey });
 *   const settings = await api.getSettings();          // null when none are stored yet (404)
 *   const page = await api.listConversations({ pageId });
 *
 * Every method takes an optional `AbortSignal`. A non-2xx answer rejects with `ApiError`, which
 * carries the status and the server's message (`{"message"}` or `{"error"}` bodies).
 * Response bodies are typed with the protocol's types; they are not validated at run time.
 */
import type {
  AppConversationStartTask,
  ConversationInfo,
  ConversationInfoResultSet,
  ConversationResponse,
  ConversationStatus,
  InitSessionRequest,
  LlmMetrics,
  SettingsResponse,
  SettingsUpdate,
} from '@parley/protocol';
import { llmMetricsSchema } from '@parley/protocol';
import { conversationMetrics, type ConversationMetrics } from './conversation-metrics';

/** A REST call that answered with a non-2xx status. */
export class ApiError extends Error {
  readonly status: number;
  /** The server's error code (`code` or `msg_id` of the body) when it sent one. */
  readonly code: string | undefined;

  constructor(status: number, message: string, code?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface ApiClientOptions {
  /** Origin (and optional path prefix) of the server; the page's own origin when omitted. */
  baseUrl?: string;
  /** Sent as `X-Session-API-Key` when set (the server's `SESSION_API_KEY`). */
  sessionApiKey?: string | null;
  /** The fetch to use; the global one when omitted (tests pass their own). */
  fetch?: typeof fetch;
}

/** Answer of `POST /api/conversations/{id}/stop`. */
export interface StopConversationResponse {
  status: 'ok';
  conversation_id: string;
  message: string;
  conversation_status: ConversationStatus | null;
}

export interface ListConversationsOptions {
  pageId?: string | null;
  limit?: number;
  signal?: AbortSignal;
}

export interface ApiClient {
  getSettings(signal?: AbortSignal): Promise<SettingsResponse | null>;
  saveSettings(update: SettingsUpdate, signal?: AbortSignal): Promise<void>;
  listModels(signal?: AbortSignal): Promise<string[]>;
  listConversations(options?: ListConversationsOptions): Promise<ConversationInfoResultSet>;
  createConversation(
    request: InitSessionRequest,
    signal?: AbortSignal,
  ): Promise<ConversationResponse>;
  /**
   * Starts a conversation on the V1 app-server face (`POST /api/v1/app-conversations`) with
   * `text` as its first message; answers the start task (READY: `app_conversation_id` is the
   * conversation).
   */
  startAppConversation(text: string, signal?: AbortSignal): Promise<AppConversationStartTask>;
  /** Pauses the agent of a conversation (the V1 agent-server's `POST …/pause`). */
  pauseConversation(conversationId: string, signal?: AbortSignal): Promise<void>;
  /** The conversation, or null when it does not exist (the server answers `null`). */
  getConversation(conversationId: string, signal?: AbortSignal): Promise<ConversationInfo | null>;
  startConversation(conversationId: string, signal?: AbortSignal): Promise<ConversationResponse>;
  stopConversation(conversationId: string, signal?: AbortSignal): Promise<StopConversationResponse>;
  renameConversation(conversationId: string, title: string, signal?: AbortSignal): Promise<void>;
  /** Resolves false when there was nothing to delete. */
  deleteConversation(conversationId: string, signal?: AbortSignal): Promise<boolean>;
  /**
   * Runs (`accept`) or rejects the action waiting for confirmation
   * (`POST /api/conversations/{id}/events/respond_to_confirmation`); a 409 when none waits.
   */
  respondToConfirmation(
    conversationId: string,
    answer: { accept: boolean; reason?: string },
    signal?: AbortSignal,
  ): Promise<void>;
  /** How many history events the V1 socket replays (`GET /api/v1/events/count`). */
  countEvents(conversationId: string, signal?: AbortSignal): Promise<number>;
  getConversationMetrics(
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<ConversationMetrics | null>;
}

/** How many V0 event pages (100 each, newest first) are read looking for the latest metrics. */
const metricsPagesToScan = 3;

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  async function request<T>(
    method: string,
    path: string,
    init: { body?: unknown; signal?: AbortSignal | undefined; allow404?: boolean } = {},
  ): Promise<T | undefined> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (options.sessionApiKey) headers['X-Session-API-Key'] = options.sessionApiKey;
    const response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
    if (response.status === 404 && init.allow404 === true) return undefined;
    if (!response.ok) throw await apiErrorFrom(response);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async function required<T>(
    method: string,
    path: string,
    init: { body?: unknown; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    const value = await request<T>(method, path, init);
    if (value === undefined) throw new ApiError(0, `Empty answer from ${method} ${path}`);
    return value;
  }

  const conversationPath = (id: string) => `/api/conversations/${encodeURIComponent(id)}`;

  return {
    async getSettings(signal) {
      const settings = await request<SettingsResponse>('GET', '/api/settings', {
        signal,
        allow404: true,
      });
      return settings ?? null;
    },
    async saveSettings(update, signal) {
      await request('POST', '/api/settings', { body: update, signal });
    },
    listModels: (signal) => required<string[]>('GET', '/api/options/models', { signal }),
    listConversations(listOptions = {}) {
      const query = new URLSearchParams({ limit: String(listOptions.limit ?? 20) });
      if (listOptions.pageId) query.set('page_id', listOptions.pageId);
      return required<ConversationInfoResultSet>('GET', `/api/conversations?${query}`, {
        signal: listOptions.signal,
      });
    },
    createConversation: (body, signal) =>
      required<ConversationResponse>('POST', '/api/conversations', { body, signal }),
    startAppConversation: (text, signal) =>
      required<AppConversationStartTask>('POST', '/api/v1/app-conversations', {
        body: { initial_message: { role: 'user', content: [{ type: 'text', text }] } },
        signal,
      }),
    async pauseConversation(conversationId, signal) {
      await request('POST', `${conversationPath(conversationId)}/pause`, { body: {}, signal });
    },
    async getConversation(conversationId, signal) {
      const info = await request<ConversationInfo | null>('GET', conversationPath(conversationId), {
        signal,
        allow404: true,
      });
      return info ?? null;
    },
    startConversation: (conversationId, signal) =>
      required<ConversationResponse>('POST', `${conversationPath(conversationId)}/start`, {
        body: {},
        signal,
      }),
    stopConversation: (conversationId, signal) =>
      required<StopConversationResponse>('POST', `${conversationPath(conversationId)}/stop`, {
        signal,
      }),
    async renameConversation(conversationId, title, signal) {
      await request('PATCH', conversationPath(conversationId), { body: { title }, signal });
    },
    async deleteConversation(conversationId, signal) {
      const deleted = await request<boolean>('DELETE', conversationPath(conversationId), {
        signal,
        allow404: true,
      });
      return deleted === true;
    },
    async respondToConfirmation(conversationId, answer, signal) {
      await request('POST', `${conversationPath(conversationId)}/events/respond_to_confirmation`, {
        body: answer,
        signal,
      });
    },
    async countEvents(conversationId, signal) {
      const query = new URLSearchParams({ conversation_id__eq: conversationId });
      const count = await required<number>('GET', `/api/v1/events/count?${query}`, { signal });
      if (typeof count !== 'number' || !Number.isFinite(count)) {
        throw new ApiError(0, 'The event count is not a number');
      }
      return count;
    },
    async getConversationMetrics(conversationId, signal) {
      const info = await this.getConversation(conversationId, signal);
      if (info === null) return null;
      const latest = await latestLlmMetrics(conversationId, signal);
      return conversationMetrics(info, latest);
    },
  };

  /** The newest `llm_metrics` of the V0 log (the conversation's running metrics), if any. */
  async function latestLlmMetrics(
    conversationId: string,
    signal: AbortSignal | undefined,
  ): Promise<LlmMetrics | undefined> {
    let endId: number | undefined;
    for (let page = 0; page < metricsPagesToScan; page++) {
      const query = new URLSearchParams({ reverse: 'true', limit: '100' });
      if (endId !== undefined) query.set('end_id', String(endId));
      const result = await required<{ events: Record<string, unknown>[]; has_more: boolean }>(
        'GET',
        `${conversationPath(conversationId)}/events?${query}`,
        { signal },
      );
      for (const event of result.events) {
        if (event['llm_metrics'] === undefined) continue;
        const parsed = llmMetricsSchema.safeParse(event['llm_metrics']);
        if (parsed.success) return parsed.data;
      }
      const oldest = result.events.at(-1)?.['id'];
      if (!result.has_more || typeof oldest !== 'number' || oldest <= 0) return undefined;
      endId = oldest - 1;
    }
    return undefined;
  }
}

export async function apiErrorFrom(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`.trim();
  let code: string | undefined;
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null) {
      const fields = body as Record<string, unknown>;
      const text = fields['message'] ?? fields['error'] ?? fields['detail'];
      if (typeof text === 'string' && text !== '') message = text;
      const bodyCode = fields['code'] ?? fields['msg_id'];
      if (typeof bodyCode === 'string') code = bodyCode;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, message, code);
}
