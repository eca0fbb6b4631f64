import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import {
  createConversation,
  createTestApi,
  request,
  type TestApi,
  type TestApiOptions,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

interface ConversationInfoBody {
  conversation_id: string;
  title: string;
  status: string;
  runtime_status: string | null;
  url: string | null;
  trigger: string | null;
  selected_repository: string | null;
  last_updated_at: string;
  created_at: string;
}

interface ListBody {
  results: ConversationInfoBody[];
  next_page_id: string | null;
}

/** Upstream's conversation routes (reference §5.3, `test_conversation_routes.py`, `test_conversation.py`). */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`conversations API on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(options: TestApiOptions = {}): Promise<App> {
      const api = await createTestApi(backend, options);
      apis.push(api);
      return api.app;
    }

    async function getInfo(app: App, id: string): Promise<ConversationInfoBody> {
      const response = await request(app, 'GET', `/api/conversations/${id}`);
      expect(response.status).toBe(200);
      return response.body as ConversationInfoBody;
    }

    /** Gives every conversation a distinct creation time, oldest first in `ids` order. */
    async function setCreationTimes(app: App, ids: readonly string[]): Promise<void> {
      for (const [index, id] of ids.entries()) {
        await app.database.kysely
          .updateTable('conversations')
          .set({ created_at: new Date(Date.UTC(2025, 0, 1, 0, index)).toISOString() })
          .where('conversation_id', '=', id)
          .execute();
      }
    }

    describe('POST /api/conversations', () => {
      it('creates a running conversation with the default demo model and no settings', async () => {
        const app = await start();
        const response = await request(app, 'POST', '/api/conversations', { payload: {} });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          status: 'ok',
          conversation_id: expect.stringMatching(/^[0-9a-f]{32}$/),
          message: null,
          conversation_status: 'RUNNING',
        });
        const id = (response.body as { conversation_id: string }).conversation_id;
        expect(await getInfo(app, id)).toMatchObject({ conversation_id: id, trigger: 'gui' });
      });

      it('gives every conversation a new id', async () => {
        const app = await start();
        const ids = [await createConversation(app), await createConversation(app)];
        expect(new Set(ids).size).toBe(2);
      });

      it('appends initial_user_msg as a user message event', async () => {
        const app = await start();
        const id = await createConversation(app, { initial_user_msg: 'Hello, agent' });
        const events = await request(app, 'GET', `/api/conversations/${id}/events`);
        expect(events.status).toBe(200);
        const messages = (events.body as { events: Record<string, unknown>[] }).events.filter(
          (event) => event['action'] === 'message',
        );
        expect(messages).toEqual([
          expect.objectContaining({
            source: 'user',
            message: 'Hello, agent',
            args: expect.objectContaining({ content: 'Hello, agent' }),
          }),
        ]);
      });

      it('accepts the body the stock UI sends, with null fields', async () => {
        const app = await start();
        const response = await request(app, 'POST', '/api/conversations', {
          payload: {
            repository: null,
            git_provider: null,
            selected_branch: null,
            initial_user_msg: 'hi',
            suggested_task: null,
            conversation_instructions: null,
            create_microagent: null,
          },
        });
        expect(response.status).toBe(200);
        const id = (response.body as { conversation_id: string }).conversation_id;
        expect(await getInfo(app, id)).toMatchObject({ selected_repository: null, trigger: 'gui' });
      });

      it('refuses an unknown key with 422 and a detail list, creating nothing', async () => {
        const app = await start();
        const response = await request(app, 'POST', '/api/conversations', {
          payload: { initial_user_msg: 'hi', unexpected_field: 1 },
        });
        expect(response.status).toBe(422);
        expect(response.body).toMatchObject({
          status: 'error',
          code: 'REQUEST_INVALID',
          detail: [
            {
              loc: ['body', 'unexpected_field'],
              msg: 'Extra inputs are not permitted',
              type: 'extra_forbidden',
            },
          ],
        });
        const list = await request(app, 'GET', '/api/conversations');
        expect((list.body as ListBody).results).toEqual([]);
      });

      it('ignores conversation_id unless ALLOW_SET_CONVERSATION_ID is set', async () => {
        const app = await start();
        const id = await createConversation(app, { conversation_id: 'chosen-id' });
        expect(id).toMatch(/^[0-9a-f]{32}$/);
        expect((await request(app, 'GET', '/api/conversations/chosen-id')).body).toBeNull();
      });

      it('honours conversation_id with ALLOW_SET_CONVERSATION_ID=1, validating it', async () => {
        const app = await start({ env: { ALLOW_SET_CONVERSATION_ID: '1' } });
        expect(await createConversation(app, { conversation_id: 'chosen-id' })).toBe('chosen-id');
        expect(await getInfo(app, 'chosen-id')).toMatchObject({ conversation_id: 'chosen-id' });
        const invalid = await request(app, 'POST', '/api/conversations', {
          payload: { conversation_id: 'a/b' },
        });
        expect(invalid.status).toBe(400);
        expect(invalid.body).toMatchObject({
          message: 'Conversation ID contains invalid path characters',
        });
        const taken = await request(app, 'POST', '/api/conversations', {
          payload: { conversation_id: 'chosen-id' },
        });
        expect(taken.status).toBe(409);
        expect(taken.body).toMatchObject({ code: 'CONVERSATION_ALREADY_EXISTS' });
      });

      it('without settings and with a non-demo default model and no key: 400 SETTINGS_NOT_FOUND', async () => {
        const app = await start({ env: { LLM_MODEL: 'openai/gpt-4o' } });
        const response = await request(app, 'POST', '/api/conversations', { payload: {} });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          status: 'error',
          message: 'Settings not found',
          msg_id: 'CONFIGURATION$SETTINGS_NOT_FOUND',
        });
        const list = await request(app, 'GET', '/api/conversations');
        expect((list.body as ListBody).results).toEqual([]);
      });

      it('without settings, a server default model with a key needs no settings', async () => {
        const app = await start({ env: { LLM_MODEL: 'openai/gpt-4o', LLM_API_KEY: 'sk-server' } });
        const response = await request(app, 'POST', '/api/conversations', { payload: {} });
        expect(response.status).toBe(200);
      });

      it('settings naming a non-demo model without a key: 400 STATUS$ERROR_LLM_AUTHENTICATION', async () => {
        const app = await start();
        const stored = await request(app, 'POST', '/api/settings', {
          payload: { llm_model: 'openai/gpt-4o' },
        });
        expect(stored.status).toBe(200);
        const response = await request(app, 'POST', '/api/conversations', { payload: {} });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          status: 'error',
          message: 'Error authenticating with the LLM provider. Please check your API key',
          msg_id: 'STATUS$ERROR_LLM_AUTHENTICATION',
        });
      });

      it.each([
        ['an API key', { llm_api_key: 'sk-user-key' }],
        ['a base URL', { llm_base_url: 'http://127.0.0.1:11434/v1' }],
      ])('settings naming a non-demo model with %s: created', async (_label, extra) => {
        const app = await start();
        await request(app, 'POST', '/api/settings', {
          payload: { llm_model: 'openai/gpt-4o', ...extra },
        });
        const response = await request(app, 'POST', '/api/conversations', { payload: {} });
        expect(response.status).toBe(200);
        const id = (response.body as { conversation_id: string }).conversation_id;
        expect(await getInfo(app, id)).toMatchObject({ llm_model: 'openai/gpt-4o' });
      });

      it('sets the trigger: Bearer → openhands_api, suggested_task, create_microagent', async () => {
        const app = await start();
        const viaApi = await createConversation(app, {}, { authorization: 'Bearer some-token' });
        const suggested = await createConversation(app, {
          suggested_task: { title: 'Fix the build', task_type: 'FAILING_CHECKS' },
        });
        const microagent = await createConversation(app, {
          create_microagent: { repo: 'owner/repo' },
        });
        expect((await getInfo(app, viaApi)).trigger).toBe('openhands_api');
        expect((await getInfo(app, suggested)).trigger).toBe('suggested_task');
        expect((await getInfo(app, microagent)).trigger).toBe('microagent_management');
      });
    });

    describe('GET /api/conversations', () => {
      it('is empty with no conversations', async () => {
        const app = await start();
        const response = await request(app, 'GET', '/api/conversations');
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ results: [], next_page_id: null });
      });

      it('lists newest first', async () => {
        const app = await start();
        const ids = [];
        for (let index = 0; index < 3; index++) ids.push(await createConversation(app));
        await setCreationTimes(app, ids);
        const response = await request(app, 'GET', '/api/conversations');
        expect((response.body as ListBody).results.map((info) => info.conversation_id)).toEqual(
          [...ids].reverse(),
        );
      });

      it('pages with limit 2 over 5: pages of 2, 2 and 1, then next_page_id null', async () => {
        const app = await start();
        const ids = [];
        for (let index = 0; index < 5; index++) ids.push(await createConversation(app));
        await setCreationTimes(app, ids);
        const pages: string[][] = [];
        let pageId: string | null = null;
        do {
          const query: string = pageId === null ? '' : `&page_id=${encodeURIComponent(pageId)}`;
          const response = await request(app, 'GET', `/api/conversations?limit=2${query}`);
          expect(response.status).toBe(200);
          const body = response.body as ListBody;
          pages.push(body.results.map((info) => info.conversation_id));
          pageId = body.next_page_id;
        } while (pageId !== null && pages.length < 10);
        expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
        expect(pages.flat()).toEqual([...ids].reverse());
      });

      it('refuses an invalid page_id with 422', async () => {
        const app = await start();
        const response = await request(app, 'GET', '/api/conversations?page_id=not-a-page');
        expect(response.status).toBe(422);
        expect(response.body).toMatchObject({ status: 'error', code: 'REQUEST_INVALID' });
      });

      it.each(['0', '101', 'many'])('refuses limit=%s with 422', async (limit) => {
        const app = await start();
        const response = await request(app, 'GET', `/api/conversations?limit=${limit}`);
        expect(response.status).toBe(422);
      });

      it('filters by selected_repository and by conversation_trigger', async () => {
        const app = await start();
        const inRepository = await createConversation(app, { repository: 'owner/one' });
        const otherRepository = await createConversation(app, { repository: 'owner/two' });
        const viaApi = await createConversation(app, {}, { authorization: 'Bearer token' });
        const listed = async (query: string) =>
          ((await request(app, 'GET', `/api/conversations?${query}`)).body as ListBody).results.map(
            (info) => info.conversation_id,
          );
        expect(await listed('selected_repository=owner%2Fone')).toEqual([inRepository]);
        expect(await listed('selected_repository=owner%2Ftwo')).toEqual([otherRepository]);
        expect(await listed('selected_repository=owner%2Fnone')).toEqual([]);
        expect(await listed('conversation_trigger=openhands_api')).toEqual([viaApi]);
        expect((await listed('conversation_trigger=gui')).sort()).toEqual(
          [inRepository, otherRepository].sort(),
        );
        expect(await listed('conversation_trigger=gui&selected_repository=owner%2Fone')).toEqual([
          inRepository,
        ]);
      });

      it('shows a stopped conversation as upstream ConversationInfo', async () => {
        const app = await start();
        const id = await createConversation(app, { repository: 'owner/repo' });
        await request(app, 'POST', `/api/conversations/${id}/stop`);
        const response = await request(app, 'GET', '/api/conversations');
        const [info] = (response.body as ListBody).results;
        expect(info).toEqual({
          conversation_id: id,
          title: `Conversation ${id.slice(0, 5)}`,
          last_updated_at: expect.any(String),
          status: 'STOPPED',
          runtime_status: null,
          selected_repository: 'owner/repo',
          selected_branch: null,
          git_provider: null,
          trigger: 'gui',
          num_connections: 0,
          url: null,
          session_api_key: null,
          created_at: expect.any(String),
          pr_number: [],
          conversation_version: 'V0',
          sub_conversation_ids: [],
          llm_model: 'demo',
          accumulated_cost: 0,
          prompt_tokens: 0,
          completion_tokens: 0,
          total_tokens: 0,
        });
        expect(Number.isNaN(Date.parse(info?.created_at ?? ''))).toBe(false);
      });
    });

    describe('GET /api/conversations/{id}', () => {
      it('shows a new conversation RUNNING, ready, with its relative url', async () => {
        const app = await start();
        const id = await createConversation(app);
        expect(await getInfo(app, id)).toMatchObject({
          conversation_id: id,
          status: 'RUNNING',
          runtime_status: 'STATUS$READY',
          url: `/api/conversations/${id}`,
          conversation_version: 'V0',
        });
      });

      it('answers a missing conversation with 200 and a JSON null body', async () => {
        const app = await start();
        const response = await request(app, 'GET', '/api/conversations/0123456789abcdef');
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toContain('application/json');
        expect(response.text).toBe('null');
      });
    });

    describe('start and stop', () => {
      it('stops once, then reports it was not running; GET shows STOPPED', async () => {
        const app = await start();
        const id = await createConversation(app);
        const first = await request(app, 'POST', `/api/conversations/${id}/stop`);
        expect(first.status).toBe(200);
        expect(first.body).toEqual({
          status: 'ok',
          conversation_id: id,
          message: 'Conversation stopped successfully',
          conversation_status: 'STOPPED',
        });
        const second = await request(app, 'POST', `/api/conversations/${id}/stop`);
        expect(second.body).toMatchObject({
          message: 'Conversation was not running',
          conversation_status: 'STOPPED',
        });
        expect(await getInfo(app, id)).toMatchObject({
          status: 'STOPPED',
          runtime_status: null,
          url: null,
        });
      });

      it('starts a stopped conversation again (body as the stock UI sends it)', async () => {
        const app = await start();
        const id = await createConversation(app);
        await request(app, 'POST', `/api/conversations/${id}/stop`);
        const response = await request(app, 'POST', `/api/conversations/${id}/start`, {
          payload: { providers_set: [] },
        });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          status: 'ok',
          conversation_id: id,
          message: null,
          conversation_status: 'RUNNING',
        });
        expect(await getInfo(app, id)).toMatchObject({
          status: 'RUNNING',
          runtime_status: 'STATUS$READY',
        });
      });

      it('starts with an empty object body and with no body at all', async () => {
        const app = await start();
        const id = await createConversation(app);
        await request(app, 'POST', `/api/conversations/${id}/stop`);
        const withEmpty = await request(app, 'POST', `/api/conversations/${id}/start`, {
          payload: {},
        });
        expect(withEmpty.status).toBe(200);
        await request(app, 'POST', `/api/conversations/${id}/stop`);
        const withoutBody = await request(app, 'POST', `/api/conversations/${id}/start`);
        expect(withoutBody.status).toBe(200);
        expect(withoutBody.body).toMatchObject({ conversation_status: 'RUNNING' });
      });

      it('start of a missing conversation: 404 naming the conversation', async () => {
        const app = await start();
        const response = await request(app, 'POST', '/api/conversations/0000missing/start', {
          payload: {},
        });
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ status: 'error', conversation_id: '0000missing' });
      });

      it('stop of a missing conversation: 404', async () => {
        const app = await start();
        const response = await request(app, 'POST', '/api/conversations/0000missing/stop');
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ msg_id: 'CONVERSATION$NOT_FOUND' });
      });
    });

    describe('PATCH /api/conversations/{id}', () => {
      it('renames: answers true, trims the title and moves last_updated_at', async () => {
        const app = await start();
        const id = await createConversation(app);
        await app.database.kysely
          .updateTable('conversations')
          .set({ last_updated_at: '2025-01-01T00:00:00.000Z' })
          .where('conversation_id', '=', id)
          .execute();
        const response = await request(app, 'PATCH', `/api/conversations/${id}`, {
          payload: { title: '  My title \t' },
        });
        expect(response.status).toBe(200);
        expect(response.text).toBe('true');
        const info = await getInfo(app, id);
        expect(info.title).toBe('My title');
        expect(info.last_updated_at).not.toBe('2025-01-01T00:00:00.000Z');
        expect(Date.parse(info.last_updated_at)).toBeGreaterThan(Date.parse('2025-01-01'));
      });

      it('accepts a title of exactly 200 characters', async () => {
        const app = await start();
        const id = await createConversation(app);
        const title = 't'.repeat(200);
        const response = await request(app, 'PATCH', `/api/conversations/${id}`, {
          payload: { title },
        });
        expect(response.status).toBe(200);
        expect((await getInfo(app, id)).title).toBe(title);
      });

      it.each([
        ['an empty title', { title: '' }],
        ['a blank title', { title: '   ' }],
        ['a 201-character title', { title: 'x'.repeat(201) }],
        ['a missing title', {}],
        ['an extra key', { title: 'ok', status: 'STOPPED' }],
      ])('refuses %s with 422 and keeps the old title', async (_label, payload) => {
        const app = await start();
        const id = await createConversation(app);
        const response = await request(app, 'PATCH', `/api/conversations/${id}`, { payload });
        expect(response.status).toBe(422);
        expect(response.body).toMatchObject({ status: 'error', code: 'REQUEST_INVALID' });
        expect((await getInfo(app, id)).title).toBe(`Conversation ${id.slice(0, 5)}`);
      });

      it('renaming a missing conversation: 404 CONVERSATION$NOT_FOUND', async () => {
        const app = await start();
        const response = await request(app, 'PATCH', '/api/conversations/0000missing', {
          payload: { title: 'New' },
        });
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({
          status: 'error',
          message: 'Conversation not found',
          msg_id: 'CONVERSATION$NOT_FOUND',
        });
      });
    });

    describe('DELETE /api/conversations/{id}', () => {
      it('deletes the conversation and its events; a second delete answers false', async () => {
        const app = await start();
        const id = await createConversation(app, { initial_user_msg: 'to be deleted' });
        const kept = await createConversation(app, { initial_user_msg: 'to be kept' });
        expect(await app.eventStore.count(id)).toBeGreaterThan(0);
        const first = await request(app, 'DELETE', `/api/conversations/${id}`);
        expect(first.status).toBe(200);
        expect(first.text).toBe('true');
        expect((await request(app, 'GET', `/api/conversations/${id}`)).text).toBe('null');
        expect(await app.eventStore.count(id)).toBe(0);
        expect((await request(app, 'GET', `/api/conversations/${id}/events`)).status).toBe(404);
        const second = await request(app, 'DELETE', `/api/conversations/${id}`);
        expect(second.status).toBe(200);
        expect(second.text).toBe('false');
        // The other conversation is untouched.
        expect(await app.eventStore.count(kept)).toBeGreaterThan(0);
        expect((await getInfo(app, kept)).conversation_id).toBe(kept);
      });

      it('deleting a conversation that never existed answers false', async () => {
        const app = await start();
        const response = await request(app, 'DELETE', '/api/conversations/0000missing');
        expect(response.status).toBe(200);
        expect(response.text).toBe('false');
      });
    });

    describe('side routes', () => {
      it('config, git/changes, web-hosts and vscode-url of an existing conversation', async () => {
        const app = await start();
        const id = await createConversation(app);
        const config = await request(app, 'GET', `/api/conversations/${id}/config`);
        expect(config.status).toBe(200);
        expect(config.body).toEqual({ runtime_id: null, session_id: id });
        const changes = await request(app, 'GET', `/api/conversations/${id}/git/changes`);
        expect(changes.status).toBe(200);
        expect(changes.body).toEqual([]);
        const hosts = await request(app, 'GET', `/api/conversations/${id}/web-hosts`);
        expect(hosts.body).toEqual({ hosts: {} });
        const vscode = await request(app, 'GET', `/api/conversations/${id}/vscode-url`);
        expect(vscode.body).toEqual({ vscode_url: null });
        // Upstream's batch get: null for an id that is no sandbox of the caller's.
        const sandboxes = await request(app, 'GET', '/api/v1/sandboxes?id=whatever');
        expect(sandboxes.status).toBe(200);
        expect(sandboxes.body).toEqual([null]);
      });

      it.each(['config', 'git/changes', 'web-hosts', 'vscode-url'])(
        '%s of a missing conversation: 404',
        async (path) => {
          const app = await start();
          const response = await request(app, 'GET', `/api/conversations/0000missing/${path}`);
          expect(response.status).toBe(404);
          expect(response.body).toMatchObject({ msg_id: 'CONVERSATION$NOT_FOUND' });
        },
      );
    });
  });
}
