import { afterEach, describe, expect, it } from 'vitest';
import {
  appConversationSchema,
  appConversationStartTaskSchema,
  conversationInfoSchema,
  sandboxInfoSchema,
} from '@parley/protocol';
import type { App } from '../../../src/app.js';
import { HeaderUserAuth, testUserHeader } from '../../support/header-user-auth.js';
import {
  createConversation,
  createTestApi,
  request,
  type JsonResponse,
  type TestApi,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

const asBob = { [testUserHeader]: 'bob' };

type Row = Record<string, unknown>;

/** FastAPI's 422: a `detail` list whose entries name the failing place. */
function expectDetail(response: JsonResponse, location: (string | number)[]): void {
  expect(response.status).toBe(422);
  const detail = (response.body as { detail: { loc: (string | number)[] }[] }).detail;
  expect(Array.isArray(detail)).toBe(true);
  expect(detail.map((entry) => entry.loc)).toContainEqual(location);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`V1 app-conversations API on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(): Promise<App> {
      const api = await createTestApi(backend, {
        userAuth: new HeaderUserAuth(),
        env: { PARLEY_DEMO_TOKEN_DELAY_MS: '0' },
      });
      apis.push(api);
      return api.app;
    }

    async function startConversation(
      app: App,
      body: Row = {},
      headers: Record<string, string> = {},
    ): Promise<Row> {
      const response = await request(app, 'POST', '/api/v1/app-conversations', {
        payload: body,
        headers,
      });
      expect(response.status).toBe(200);
      return response.body as Row;
    }

    describe('POST /api/v1/app-conversations', () => {
      it('answers a READY start task naming the conversation it started', async () => {
        const app = await start();
        const task = await startConversation(app, {
          title: 'From V1',
          trigger: 'gui',
          pr_number: [7],
          parent_conversation_id: null,
        });
        expect(appConversationStartTaskSchema.safeParse(task).success).toBe(true);
        expect(task).toMatchObject({
          status: 'READY',
          created_by_user_id: 'alice',
          detail: null,
          request: { title: 'From V1', trigger: 'gui', pr_number: [7] },
        });
        expect(task['app_conversation_id']).toMatch(/^[0-9a-f]{32}$/);
        expect(task['sandbox_id']).toBe(task['app_conversation_id']);
        const id = task['app_conversation_id'] as string;
        const info = await request(app, 'GET', `/api/conversations/${id}`);
        expect(conversationInfoSchema.parse(info.body)).toMatchObject({
          conversation_id: id,
          title: 'From V1',
          conversation_version: 'V1',
          url: `/api/conversations/${id}`,
          pr_number: [7],
        });
        expect((info.body as Row)['session_api_key']).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      });

      it('logs the initial message as the first user message, and the agent answers it', async () => {
        const app = await start();
        const task = await startConversation(app, {
          initial_message: { role: 'user', content: [{ type: 'text', text: 'hi from V1' }] },
        });
        const id = task['app_conversation_id'] as string;
        const events = await request(app, 'GET', `/api/conversations/${id}/events?limit=100`);
        const messages = (events.body as { events: Row[] }).events.filter(
          (event) => event['action'] === 'message',
        );
        expect(messages[0]).toMatchObject({ source: 'user', args: { content: 'hi from V1' } });
      });

      it('refuses a bad body with a 422 detail list and starts nothing', async () => {
        const app = await start();
        expectDetail(
          await request(app, 'POST', '/api/v1/app-conversations', {
            payload: { trigger: 'not-a-trigger' },
          }),
          ['body', 'trigger'],
        );
        expectDetail(
          await request(app, 'POST', '/api/v1/app-conversations', {
            payload: { parent_conversation_id: 'not-a-uuid' },
          }),
          ['body', 'parent_conversation_id'],
        );
        const count = await request(app, 'GET', '/api/v1/app-conversations/count');
        expect(count.body).toBe(0);
      });
    });

    describe('start tasks', () => {
      it('reads tasks by id (dashed or not), null for a missing or foreign one', async () => {
        const app = await start();
        const task = await startConversation(app);
        const id = task['id'] as string;
        const dashed = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
        const missing = '0'.repeat(32);
        const mine = await request(
          app,
          'GET',
          `/api/v1/app-conversations/start-tasks?ids=${dashed}&ids=${missing}`,
        );
        expect(mine.status).toBe(200);
        expect(mine.body).toEqual([task, null]);
        const bobs = await request(app, 'GET', `/api/v1/app-conversations/start-tasks?ids=${id}`, {
          headers: asBob,
        });
        expect(bobs.body).toEqual([null]);
      });

      it('a conversation started over V0 has no start task', async () => {
        const app = await start();
        const id = await createConversation(app);
        const tasks = await request(app, 'GET', `/api/v1/app-conversations/start-tasks?ids=${id}`);
        expect(tasks.body).toEqual([null]);
      });

      it('searches the caller’s tasks, newest first, from a date and by conversation', async () => {
        const app = await start();
        const first = await startConversation(app);
        const second = await startConversation(app);
        await startConversation(app, {}, asBob);
        const all = await request(app, 'GET', '/api/v1/app-conversations/start-tasks/search');
        const ids = (all.body as { items: Row[] }).items.map((task) => task['id']);
        expect(ids).toEqual([second['id'], first['id']]);
        const oldestFirst = await request(
          app,
          'GET',
          '/api/v1/app-conversations/start-tasks/search?sort_order=CREATED_AT&limit=1',
        );
        expect(oldestFirst.body).toMatchObject({ items: [{ id: first['id'] }] });
        expect((oldestFirst.body as Row)['next_page_id']).toEqual(expect.any(String));
        const later = await request(
          app,
          'GET',
          `/api/v1/app-conversations/start-tasks/search?created_at__gte=${encodeURIComponent('2999-01-01T00:00:00Z')}`,
        );
        expect(later.body).toEqual({ items: [], next_page_id: null });
        const byId = await request(
          app,
          'GET',
          `/api/v1/app-conversations/start-tasks/search?conversation_id__eq=${first['id'] as string}`,
        );
        expect((byId.body as { items: Row[] }).items.map((task) => task['id'])).toEqual([
          first['id'],
        ]);
      });

      it('counts the caller’s start tasks', async () => {
        const app = await start();
        const first = await startConversation(app);
        await startConversation(app);
        await startConversation(app, {}, asBob);
        await createConversation(app);
        const count = async (query: string) =>
          (await request(app, 'GET', `/api/v1/app-conversations/start-tasks/count?${query}`)).body;
        expect(await count('')).toBe(2);
        expect(await count(`conversation_id__eq=${first['id'] as string}`)).toBe(1);
        expect(await count('created_at__gte=2999-01-01')).toBe(0);
      });

      it('refuses malformed ids and limits with 422', async () => {
        const app = await start();
        expectDetail(await request(app, 'GET', '/api/v1/app-conversations/start-tasks?ids=nope'), [
          'query',
          'ids',
          0,
        ]);
        expectDetail(await request(app, 'GET', '/api/v1/app-conversations/start-tasks'), [
          'query',
          'ids',
        ]);
        expectDetail(
          await request(app, 'GET', '/api/v1/app-conversations/start-tasks/search?limit=0'),
          ['query', 'limit'],
        );
      });
    });

    describe('conversations', () => {
      it('batch get: every field the stock web UI reads, null for a missing or foreign id', async () => {
        const app = await start();
        const task = await startConversation(app);
        const id = task['app_conversation_id'] as string;
        const bobs = (await startConversation(app, {}, asBob))['id'] as string;
        const response = await request(
          app,
          'GET',
          `/api/v1/app-conversations?ids=${id}&ids=${bobs}`,
        );
        expect(response.status).toBe(200);
        const [mine, foreign] = response.body as [Row, null];
        expect(foreign).toBeNull();
        expect(appConversationSchema.parse(mine)).toMatchObject({
          id,
          sandbox_id: id,
          created_by_user_id: 'alice',
          sandbox_status: 'RUNNING',
          conversation_url: `/api/conversations/${id}`,
          llm_model: 'demo',
        });
        expect(mine['execution_status']).toEqual(expect.any(String));
        const info = await request(app, 'GET', `/api/conversations/${id}`);
        expect(mine['session_api_key']).toBe((info.body as Row)['session_api_key']);
      });

      it('reaches conversations created over V0 too (one log, two faces)', async () => {
        const app = await start();
        const id = await createConversation(app);
        const response = await request(app, 'GET', `/api/v1/app-conversations?ids=${id}`);
        expect(response.body).toMatchObject([{ id, sandbox_id: id }]);
        const info = await request(app, 'GET', `/api/conversations/${id}`);
        expect(info.body).toMatchObject({ conversation_version: 'V0', session_api_key: null });
      });

      it('searches and counts the caller’s conversations by title and date', async () => {
        const app = await start();
        await startConversation(app, { title: 'Alpha plan' });
        await startConversation(app, { title: 'beta 100%' });
        await startConversation(app, { title: 'Alpha plan' }, asBob);
        const count = async (query: string) =>
          (await request(app, 'GET', `/api/v1/app-conversations/count?${query}`)).body;
        expect(await count('')).toBe(2);
        expect(await count('title__contains=alpha')).toBe(1);
        expect(await count(`title__contains=${encodeURIComponent('100%')}`)).toBe(1);
        expect(await count(`title__contains=${encodeURIComponent('%')}`)).toBe(1);
        expect(await count('created_at__lt=2000-01-01')).toBe(0);
        expect(await count('created_at__gte=2000-01-01T00:00:00Z')).toBe(2);
        const page = await request(app, 'GET', '/api/v1/app-conversations/search?limit=1');
        const body = page.body as { items: Row[]; next_page_id: string };
        expect(body.items.map((item) => item['title'])).toEqual(['beta 100%']);
        const next = await request(
          app,
          'GET',
          `/api/v1/app-conversations/search?limit=1&page_id=${body.next_page_id}`,
        );
        expect(next.body).toMatchObject({ items: [{ title: 'Alpha plan' }], next_page_id: null });
        expectDetail(await request(app, 'GET', '/api/v1/app-conversations/search?limit=101'), [
          'query',
          'limit',
        ]);
        expectDetail(
          await request(app, 'GET', '/api/v1/app-conversations/count?created_at__gte=yesterday'),
          ['query', 'created_at__gte'],
        );
      });
    });

    describe('the agent-server’s POST …/events', () => {
      it('takes a V1 SendMessageRequest as the user’s message', async () => {
        const app = await start();
        const id = (await startConversation(app))['id'] as string;
        const sent = await request(app, 'POST', `/api/conversations/${id}/events`, {
          payload: { role: 'user', content: [{ type: 'text', text: 'over REST' }], run: true },
        });
        expect(sent.status).toBe(200);
        expect(sent.body).toEqual({ success: true });
        const events = await request(app, 'GET', `/api/conversations/${id}/events?limit=100`);
        expect((events.body as { events: Row[] }).events).toContainEqual(
          expect.objectContaining({
            source: 'user',
            action: 'message',
            args: expect.objectContaining({ content: 'over REST' }) as unknown,
          }),
        );
      });

      it('refuses a V1 body that is not a user message, logging nothing', async () => {
        const app = await start();
        const id = (await startConversation(app))['id'] as string;
        const refused = await request(app, 'POST', `/api/conversations/${id}/events`, {
          payload: { role: 'assistant', content: [{ type: 'text', text: 'forged' }] },
        });
        expect(refused.status).toBe(422);
        expect(refused.body).toMatchObject({ code: 'REQUEST_INVALID' });
        const after = await request(app, 'GET', `/api/conversations/${id}/events?limit=100`);
        const texts = (after.body as { events: Row[] }).events.map((event) =>
          JSON.stringify(event),
        );
        expect(texts.some((text) => text.includes('forged'))).toBe(false);
      });
    });

    describe('sandboxes and the agent-server calls', () => {
      it('pause stops the loop, resume starts it; a foreign sandbox is 404 and stays as it was', async () => {
        const app = await start();
        const id = (await startConversation(app))['id'] as string;
        const sandboxes = async () =>
          (await request(app, 'GET', `/api/v1/sandboxes?id=${id}&id=missing`)).body as [Row, null];
        const [running, missing] = await sandboxes();
        expect(sandboxInfoSchema.parse(running)).toMatchObject({ id, status: 'RUNNING' });
        expect(missing).toBeNull();

        const foreign = await request(app, 'POST', `/api/v1/sandboxes/${id}/pause`, {
          headers: asBob,
        });
        expect(foreign.status).toBe(404);
        expect((await sandboxes())[0]).toMatchObject({ status: 'RUNNING' });

        const paused = await request(app, 'POST', `/api/v1/sandboxes/${id}/pause`, { payload: {} });
        expect(paused.body).toEqual({ success: true });
        expect((await sandboxes())[0]).toMatchObject({ status: 'PAUSED' });
        const [asApp] = (await request(app, 'GET', `/api/v1/app-conversations?ids=${id}`))
          .body as Row[];
        expect(asApp).toMatchObject({
          sandbox_status: 'PAUSED',
          execution_status: null,
          conversation_url: null,
        });
        const info = await request(app, 'GET', `/api/conversations/${id}`);
        expect(info.body).toMatchObject({ status: 'STOPPED' });

        const resumed = await request(app, 'POST', `/api/v1/sandboxes/${id}/resume`, {
          payload: {},
        });
        expect(resumed.body).toEqual({ success: true });
        expect((await sandboxes())[0]).toMatchObject({ status: 'RUNNING' });
        const missingPause = await request(app, 'POST', `/api/v1/sandboxes/nothing/resume`);
        expect(missingPause.status).toBe(404);
      });

      it('pause pauses the agent (execution_status paused) and run sets it working again', async () => {
        const app = await start();
        const id = (await startConversation(app))['id'] as string;
        const paused = await request(app, 'POST', `/api/conversations/${id}/pause`, {
          payload: {},
        });
        expect(paused.body).toEqual({ success: true });
        const [afterPause] = (await request(app, 'GET', `/api/v1/app-conversations?ids=${id}`))
          .body as Row[];
        expect(afterPause).toMatchObject({ sandbox_status: 'RUNNING', execution_status: 'paused' });
        const run = await request(app, 'POST', `/api/conversations/${id}/run`, { payload: {} });
        expect(run.body).toEqual({ success: true });
        // The run is logged as the user's change to `running`; the turn it starts follows.
        const statesAfterPause = async () => {
          const events = await request(app, 'GET', `/api/conversations/${id}/events?limit=100`);
          const states = (events.body as { events: Row[] }).events
            .filter((event) => event['observation'] === 'agent_state_changed')
            .map((event) => (event['extras'] as Row)['agent_state']);
          return states.slice(states.indexOf('paused'));
        };
        while (!(await statesAfterPause()).includes('running')) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect((await statesAfterPause())[0]).toBe('paused');
        const foreign = await request(app, 'POST', `/api/conversations/${id}/pause`, {
          headers: asBob,
        });
        expect(foreign.status).toBe(404);
      });

      it('git changes on the V1 path: the session key names the conversation, its owner only', async () => {
        const app = await start();
        const id = (await startConversation(app))['id'] as string;
        const info = await request(app, 'GET', `/api/conversations/${id}`);
        const key = (info.body as Row)['session_api_key'] as string;
        const path = `/api/git/changes/${encodeURIComponent('/workspace/project')}`;
        const changes = await request(app, 'GET', path, {
          headers: { 'x-session-api-key': key },
        });
        expect(changes.status).toBe(200);
        expect(changes.body).toEqual([]);
        const noKey = await request(app, 'GET', path);
        expect(noKey.status).toBe(401);
        expect(noKey.body).toMatchObject({ code: 'SESSION_API_KEY_INVALID' });
        const forged = await request(app, 'GET', path, {
          headers: { 'x-session-api-key': `${key.split('.')[0] ?? ''}.forged` },
        });
        expect(forged.status).toBe(401);
        const foreign = await request(app, 'GET', path, {
          headers: { 'x-session-api-key': key, ...asBob },
        });
        expect(foreign.status).toBe(404);
        const outside = await request(
          app,
          'GET',
          `/api/git/diff/${encodeURIComponent('/etc/passwd')}`,
          { headers: { 'x-session-api-key': key } },
        );
        expect(outside.status).toBe(422);
        expect(outside.body).toMatchObject({ code: 'REQUEST_INVALID' });
      });
    });
  });
}
