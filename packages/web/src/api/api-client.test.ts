/** @vitest-environment jsdom */
// The REST client against a recording fetch: paths, methods, bodies, the session key header,
// 404 handling, error bodies, and how metrics are put together.
import { describe, expect, it, vi } from 'vitest';
import type { ConversationInfo } from '@parley/protocol';
import { ApiError, createApiClient } from './api-client';

interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function recordingFetch(answers: ((request: Recorded) => Response)[]) {
  const requests: Recorded[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request: Recorded = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(request);
    const answer = answers.shift();
    if (answer === undefined)
      throw new Error(`unexpected request ${request.method} ${request.url}`);
    return answer(request);
  });
  return { requests, fetch: fetchImpl as unknown as typeof fetch };
}

const json =
  (body: unknown, status = 200) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const conversation: ConversationInfo = {
  conversation_id: 'c1',
  title: 'First',
  last_updated_at: null,
  status: 'RUNNING',
  runtime_status: 'STATUS$READY',
  selected_repository: null,
  selected_branch: null,
  git_provider: null,
  trigger: 'gui',
  num_connections: 1,
  url: '/api/conversations/c1',
  session_api_key: null,
  created_at: '2025-01-01T00:00:00Z',
  pr_number: [],
  conversation_version: 'V0',
  sub_conversation_ids: [],
  llm_model: 'demo',
  accumulated_cost: 0.03,
  prompt_tokens: 120,
  completion_tokens: 30,
  total_tokens: 150,
};

describe('api client', () => {
  it('sends the session key header and uses the base URL', async () => {
    const { requests, fetch } = recordingFetch([json(['demo', 'gpt-4o'])]);
    const api = createApiClient({ baseUrl: 'http://example.test/', sessionApiKey: 'k1', fetch });
    expect(await api.listModels()).toEqual(['demo', 'gpt-4o']);
    expect(requests[0]?.url).toBe('http://example.test/api/options/models');
    expect(requests[0]?.headers['X-Session-API-Key']).toBe('k1');
  });

  it('sends no key header without a key, and same-origin paths by default', async () => {
    const { requests, fetch } = recordingFetch([json(3)]);
    const api = createApiClient({ fetch });
    expect(await api.countEvents('a b')).toBe(3);
    expect(requests[0]?.url).toBe('/api/v1/events/count?conversation_id__eq=a+b');
    expect(requests[0]?.headers['X-Session-API-Key']).toBeUndefined();
  });

  it('starts a conversation on the V1 face and pauses its agent', async () => {
    const task = {
      id: 'c1',
      created_by_user_id: 'local',
      status: 'READY',
      detail: null,
      app_conversation_id: 'c1',
      sandbox_id: 'c1',
      agent_server_url: null,
      request: {},
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2025-01-01T00:00:00Z',
    };
    const { requests, fetch } = recordingFetch([
      json(task),
      json({ success: true }),
      json({ detail: 'Conversation not found' }, 404),
    ]);
    const api = createApiClient({ fetch });
    expect(await api.startAppConversation('Hello')).toEqual(task);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/app-conversations',
      body: { initial_message: { role: 'user', content: [{ type: 'text', text: 'Hello' }] } },
    });
    await api.pauseConversation('c 1');
    expect(requests[1]).toMatchObject({ method: 'POST', url: '/api/conversations/c%201/pause' });
    await expect(api.pauseConversation('gone')).rejects.toMatchObject({ status: 404 });
  });

  it('reads settings, null on 404, and posts updates', async () => {
    const { requests, fetch } = recordingFetch([
      json({ error: 'Settings not found' }, 404),
      json({ llm_model: 'demo' }),
      json({ message: 'Settings stored' }),
    ]);
    const api = createApiClient({ fetch });
    expect(await api.getSettings()).toBeNull();
    expect((await api.getSettings())?.llm_model).toBe('demo');
    await api.saveSettings({ llm_model: 'gpt-4o', llm_api_key: 'sk-1', max_budget_per_task: 2 });
    expect(requests[2]).toMatchObject({
      method: 'POST',
      url: '/api/settings',
      body: { llm_model: 'gpt-4o', llm_api_key: 'sk-1', max_budget_per_task: 2 },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('lists conversations with paging, and runs the conversation commands', async () => {
    const { requests, fetch } = recordingFetch([
      json({ results: [conversation], next_page_id: 'p2' }),
      json({ results: [], next_page_id: null }),
      json({ status: 'ok', conversation_id: 'c2', message: null, conversation_status: 'STARTING' }),
      json(conversation),
      json(null),
      json({ status: 'ok', conversation_id: 'c1', message: null, conversation_status: 'RUNNING' }),
      json({
        status: 'ok',
        conversation_id: 'c1',
        message: 'Conversation stopped successfully',
        conversation_status: 'STOPPED',
      }),
      json(true),
      json(true),
      json({ message: 'Conversation not found' }, 404),
    ]);
    const api = createApiClient({ fetch });
    expect((await api.listConversations()).next_page_id).toBe('p2');
    await api.listConversations({ pageId: 'p2', limit: 5 });
    expect((await api.createConversation({ initial_user_msg: 'Hello' })).conversation_id).toBe(
      'c2',
    );
    expect((await api.getConversation('c1'))?.title).toBe('First');
    expect(await api.getConversation('missing')).toBeNull();
    await api.startConversation('c1');
    expect((await api.stopConversation('c1')).conversation_status).toBe('STOPPED');
    await api.renameConversation('c1', 'Renamed');
    expect(await api.deleteConversation('c1')).toBe(true);
    expect(await api.deleteConversation('c1')).toBe(false);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/conversations?limit=20',
      'GET /api/conversations?limit=5&page_id=p2',
      'POST /api/conversations',
      'GET /api/conversations/c1',
      'GET /api/conversations/missing',
      'POST /api/conversations/c1/start',
      'POST /api/conversations/c1/stop',
      'PATCH /api/conversations/c1',
      'DELETE /api/conversations/c1',
      'DELETE /api/conversations/c1',
    ]);
    expect(requests[2]?.body).toEqual({ initial_user_msg: 'Hello' });
    expect(requests[7]?.body).toEqual({ title: 'Renamed' });
  });

  it('answers a confirmation: the route, the body, and a 409 as an ApiError with its code', async () => {
    const { requests, fetch } = recordingFetch([
      json({ success: true }),
      json(
        {
          status: 'error',
          message: 'No action is waiting',
          code: 'AGENT_NOT_AWAITING_CONFIRMATION',
        },
        409,
      ),
    ]);
    const api = createApiClient({ fetch });
    await api.respondToConfirmation('c 1', { accept: false, reason: 'No' });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/conversations/c%201/events/respond_to_confirmation',
      body: { accept: false, reason: 'No' },
    });
    await expect(api.respondToConfirmation('c1', { accept: true })).rejects.toMatchObject({
      status: 409,
      code: 'AGENT_NOT_AWAITING_CONFIRMATION',
      message: 'No action is waiting',
    });
  });

  it('rejects with ApiError carrying the status, message and code', async () => {
    const { fetch } = recordingFetch([
      json({ status: 'error', message: 'Title must not be empty', code: 'VALIDATION' }, 422),
      () => new Response('upstream down', { status: 502, statusText: 'Bad Gateway' }),
    ]);
    const api = createApiClient({ fetch });
    const failure = await api.renameConversation('c1', ' ').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 422,
      message: 'Title must not be empty',
      code: 'VALIDATION',
    });
    await expect(api.listModels()).rejects.toMatchObject({
      status: 502,
      message: '502 Bad Gateway',
    });
  });

  it('builds metrics from the conversation totals and the newest llm_metrics in the log', async () => {
    const llmMetrics = {
      accumulated_cost: 0.03,
      max_budget_per_task: 1,
      accumulated_token_usage: { prompt_tokens: 120, completion_tokens: 30 },
      costs: [
        { model: 'demo', cost: 0.01, timestamp: 1 },
        { model: 'demo', cost: 0.02, timestamp: 2 },
      ],
      response_latencies: [
        { model: 'demo', latency: 0.5, response_id: 'r1' },
        { model: 'demo', latency: 1.25, response_id: 'r2' },
      ],
      token_usages: [
        { model: 'demo', prompt_tokens: 50, completion_tokens: 10, response_id: 'r1' },
        { model: 'demo', prompt_tokens: 70, completion_tokens: 20, response_id: 'r2' },
      ],
    };
    const { requests, fetch } = recordingFetch([
      json(conversation),
      json({ events: [{ id: 9, observation: 'agent_state_changed' }], has_more: true }),
      json({ events: [{ id: 7, action: 'message', llm_metrics: llmMetrics }], has_more: true }),
    ]);
    const api = createApiClient({ fetch });
    expect(await api.getConversationMetrics('c1')).toEqual({
      model: 'demo',
      accumulatedCost: 0.03,
      promptTokens: 120,
      completionTokens: 30,
      totalTokens: 150,
      maxBudgetPerTask: 1,
      responses: [
        { responseId: 'r1', latency: 0.5, promptTokens: 50, completionTokens: 10, cost: 0.01 },
        { responseId: 'r2', latency: 1.25, promptTokens: 70, completionTokens: 20, cost: 0.02 },
      ],
    });
    expect(requests.map((request) => request.url)).toEqual([
      '/api/conversations/c1',
      '/api/conversations/c1/events?reverse=true&limit=100',
      '/api/conversations/c1/events?reverse=true&limit=100&end_id=8',
    ]);
  });

  it('gives totals only when no event carries metrics, and null for a missing conversation', async () => {
    const { fetch } = recordingFetch([
      json(conversation),
      json({ events: [{ id: 0, action: 'message' }], has_more: false }),
      json(null),
    ]);
    const api = createApiClient({ fetch });
    const metrics = await api.getConversationMetrics('c1');
    expect(metrics?.totalTokens).toBe(150);
    expect(metrics?.responses).toEqual([]);
    expect(await api.getConversationMetrics('gone')).toBeNull();
  });
});
