/**
 * A whole app with the real conversation manager, listening on a free port, whose default LLM is
 * an OpenAI-compatible model served by the local fake LLM server (scripted per request).
 */
import type { App } from '../../src/app.js';
import type { Environment } from '../../src/config/load-config.js';
import type { ConversationManager } from '../../src/conversations/conversation-manager.js';
import type { StoredEvent } from '../../src/events/event-store.js';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';
import { testUserHeader } from './header-user-auth.js';
import { startRealtimeApp, type RealtimeTestApp } from './realtime-app.js';
import { SocketIoTestClient } from './realtime-clients.js';
import { request, type JsonResponse, type TestApiOptions } from './test-api.js';
import type { TestDatabaseBackend } from './test-databases.js';

export interface AgentTestApp {
  server: RealtimeTestApp;
  app: App;
  llm: FakeLlmServer;
  manager: ConversationManager;
  /** POST /api/conversations as `user`; returns the id. */
  create(body?: Record<string, unknown>, user?: string): Promise<string>;
  api(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    user?: string,
  ): Promise<JsonResponse>;
  /** A Socket.IO client of the conversation, connected. */
  connect(
    conversationId: string,
    query?: Record<string, string>,
    user?: string,
  ): Promise<SocketIoTestClient>;
  /** The stored log, streaming deltas included. */
  log(conversationId: string): Promise<StoredEvent[]>;
  /** Resolves with the log once `predicate` holds (checked after each commit). */
  untilLog(
    conversationId: string,
    predicate: (events: StoredEvent[]) => boolean,
  ): Promise<StoredEvent[]>;
  /** Resolves once the log's latest agent state is `state` (checked after each commit). */
  untilState(conversationId: string, state: string): Promise<StoredEvent[]>;
  cleanup(): Promise<void>;
}

export async function startAgentTestApp(
  backend: TestDatabaseBackend,
  env: Environment = {},
  options: Pick<TestApiOptions, 'now' | 'timers' | 'logger' | 'secretRegistry'> = {},
): Promise<AgentTestApp> {
  const llm = await startFakeLlmServer();
  const server = await startRealtimeApp(
    backend,
    {
      LLM_MODEL: 'openai/gpt-test',
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'sk-test-key',
      LLM_NUM_RETRIES: '1',
      LLM_RETRY_MIN_WAIT_MS: '10',
      LLM_RETRY_MULTIPLIER_MS: '10',
      LLM_RETRY_MAX_WAIT_MS: '10',
      PARLEY_TITLE_FROM_LLM: 'false',
      ...env,
    },
    { ...options, agentLoops: 'manager' },
  );
  const clients: SocketIoTestClient[] = [];
  const app = server.app;
  const manager = app.conversationManager;
  if (manager === undefined) throw new Error('the app has no conversation manager');
  const log = async (conversationId: string): Promise<StoredEvent[]> =>
    (await app.eventStore.search(conversationId)).events;
  const untilLog = (
    conversationId: string,
    predicate: (events: StoredEvent[]) => boolean,
  ): Promise<StoredEvent[]> =>
    new Promise((resolve, reject) => {
      let done = false;
      const check = async (): Promise<void> => {
        if (done) return;
        const events = await log(conversationId);
        if (done || !predicate(events)) return;
        done = true;
        stop();
        resolve(events);
      };
      const stop = app.eventStore.onCommit((committed) => {
        if (committed === conversationId) check().catch(reject);
      });
      check().catch(reject);
    });
  return {
    server,
    app,
    llm,
    manager,
    create: async (body = {}, user = 'alice') => {
      const response = await request(app, 'POST', '/api/conversations', {
        payload: body,
        headers: { [testUserHeader]: user },
      });
      if (response.status !== 200) throw new Error(`create failed: ${response.text}`);
      return (response.body as { conversation_id: string }).conversation_id;
    },
    api: (method, url, payload, user = 'alice') =>
      request(app, method, url, { payload, headers: { [testUserHeader]: user } }),
    connect: async (conversationId, query = {}, user = 'alice') => {
      const client = new SocketIoTestClient(
        server.url,
        { conversation_id: conversationId, latest_event_id: '-1', ...query },
        { [testUserHeader]: user },
      );
      clients.push(client);
      await client.connected();
      return client;
    },
    log,
    untilLog,
    untilState: (conversationId, state) =>
      untilLog(conversationId, (events) => {
        const last = events.findLast(
          (event) => 'observation' in event && event.observation === 'agent_state_changed',
        );
        return last !== undefined && 'extras' in last && last.extras['agent_state'] === state;
      }),
    cleanup: async () => {
      for (const client of clients) client.close();
      await server.cleanup();
      await llm.close();
    },
  };
}
