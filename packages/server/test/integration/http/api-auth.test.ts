import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { HeaderUserAuth } from '../../support/header-user-auth.js';
import {
  createConversation,
  createTestApi,
  request,
  type TestApi,
  type TestApiOptions,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

const sessionApiKey = 'session-key-7d2f9c';
const someId = '0123456789abcdef0123456789abcdef';

type Method = Parameters<typeof request>[1];

/** One request to every `/api` route, with a body where the route takes one. */
const everyApiRoute: [Method, string, unknown][] = [
  ['GET', '/api/options/config', undefined],
  ['GET', '/api/options/models', undefined],
  ['GET', '/api/options/agents', undefined],
  ['GET', '/api/options/security-analyzers', undefined],
  ['GET', '/api/settings', undefined],
  ['POST', '/api/settings', { llm_model: 'openai/gpt-4o', llm_api_key: 'sk-x' }],
  ['GET', '/api/secrets', undefined],
  ['POST', '/api/secrets', { name: 'TOKEN', value: 'v' }],
  ['PUT', '/api/secrets/TOKEN', { name: 'OTHER' }],
  ['DELETE', '/api/secrets/TOKEN', undefined],
  ['GET', '/api/conversations', undefined],
  ['POST', '/api/conversations', { initial_user_msg: 'hello' }],
  ['GET', `/api/conversations/${someId}`, undefined],
  ['PATCH', `/api/conversations/${someId}`, { title: 'New' }],
  ['DELETE', `/api/conversations/${someId}`, undefined],
  ['POST', `/api/conversations/${someId}/start`, {}],
  ['POST', `/api/conversations/${someId}/stop`, undefined],
  ['GET', `/api/conversations/${someId}/events`, undefined],
  ['POST', `/api/conversations/${someId}/events`, { action: 'message', args: { content: 'x' } }],
  ['POST', `/api/conversations/${someId}/message`, { message: 'x' }],
  ['GET', `/api/conversations/${someId}/config`, undefined],
  ['GET', `/api/conversations/${someId}/git/changes`, undefined],
  ['GET', `/api/conversations/${someId}/web-hosts`, undefined],
  ['GET', `/api/conversations/${someId}/vscode-url`, undefined],
  ['GET', '/api/v1/sandboxes', undefined],
];

/** Every user-owned row in the database, to prove a refused request created nothing. */
async function ownedRows(app: App): Promise<number> {
  const kysely = app.database.kysely;
  const counts = await Promise.all([
    kysely
      .selectFrom('conversations')
      .select((b) => b.fn.countAll().as('n'))
      .executeTakeFirst(),
    kysely
      .selectFrom('settings')
      .select((b) => b.fn.countAll().as('n'))
      .executeTakeFirst(),
    kysely
      .selectFrom('secrets')
      .select((b) => b.fn.countAll().as('n'))
      .executeTakeFirst(),
    kysely
      .selectFrom('events')
      .select((b) => b.fn.countAll().as('n'))
      .executeTakeFirst(),
  ]);
  return counts.reduce((total, row) => total + Number(row?.n ?? 0), 0);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`API auth on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(options: TestApiOptions = {}): Promise<App> {
      const api = await createTestApi(backend, { ...options, agentLoops: 'log-only' });
      apis.push(api);
      return api.app;
    }

    describe('with SESSION_API_KEY', () => {
      const withKey = { env: { SESSION_API_KEY: sessionApiKey } };

      it.each([
        ['without X-Session-API-Key', {}],
        ['with a wrong key', { 'x-session-api-key': 'wrong' }],
        ['with the key in another case', { 'x-session-api-key': sessionApiKey.toUpperCase() }],
        ['with an empty key', { 'x-session-api-key': '' }],
      ])('refuses every /api route %s with 401 JSON and creates nothing', async (_l, headers) => {
        const app = await start(withKey);
        for (const [method, url, payload] of everyApiRoute) {
          const response = await request(app, method, url, { payload, headers });
          expect({ method, url, status: response.status, body: response.body }).toMatchObject({
            status: 401,
            body: { status: 'error', code: 'SESSION_API_KEY_INVALID' },
          });
          expect(response.headers['content-type']).toContain('application/json');
        }
        expect(await ownedRows(app)).toBe(0);
      });

      it('refuses an unauthenticated request with 401 before validating its body', async () => {
        const app = await start(withKey);
        const response = await request(app, 'POST', '/api/conversations', {
          payload: { not_a_field: true },
        });
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ code: 'SESSION_API_KEY_INVALID' });
      });

      it.each(['/%61pi/conversations', '/api/%63onversations', '/%61%70%69/conversations'])(
        'refuses a percent-encoded /api path (%s) too',
        async (path) => {
          const app = await start(withKey);
          const created = await request(app, 'POST', path, { payload: {} });
          expect(created.status).toBe(401);
          const listed = await request(app, 'GET', path);
          expect(listed.status).toBe(401);
          expect(await ownedRows(app)).toBe(0);
        },
      );

      it('serves every /api route with the right key', async () => {
        const app = await start(withKey);
        const headers = { 'x-session-api-key': sessionApiKey };
        const id = await createConversation(app, {}, headers);
        for (const [method, url, payload] of everyApiRoute) {
          const response = await request(app, method, url.replace(someId, id), {
            payload,
            headers,
          });
          expect({ method, url, status: response.status }).not.toMatchObject({ status: 401 });
          expect({ method, url, status: response.status < 500 }).toEqual({
            method,
            url,
            status: true,
          });
        }
        const listed = await request(app, 'GET', '/api/conversations', { headers });
        expect(listed.status).toBe(200);
        expect(await ownedRows(app)).toBeGreaterThan(0);
      });

      it('keeps /alive and /health open', async () => {
        const app = await start(withKey);
        const alive = await request(app, 'GET', '/alive');
        expect(alive.status).toBe(200);
        expect(alive.body).toEqual({ status: 'ok' });
        const health = await request(app, 'GET', '/health');
        expect(health.status).toBe(200);
      });

      it('over HTTP: a preflight for X-Session-API-Key is answered, then the keyed call works', async () => {
        const app = await start(withKey);
        const { url } = await app.listen();
        const origin = 'http://localhost:3001';
        const preflight = await fetch(`${url}/api/conversations`, {
          method: 'OPTIONS',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'content-type,x-session-api-key',
          },
        });
        expect(preflight.status).toBeLessThan(300);
        expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
        expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
          'x-session-api-key',
        );
        const refused = await fetch(`${url}/api/conversations`, { headers: { Origin: origin } });
        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ code: 'SESSION_API_KEY_INVALID' });
        const created = await fetch(`${url}/api/conversations`, {
          method: 'POST',
          headers: {
            Origin: origin,
            'Content-Type': 'application/json',
            'X-Session-API-Key': sessionApiKey,
          },
          body: '{}',
        });
        expect(created.status).toBe(200);
        expect(created.headers.get('access-control-allow-origin')).toBe(origin);
      });
    });

    it('without SESSION_API_KEY, no header is needed', async () => {
      const app = await start();
      for (const [method, url, payload] of everyApiRoute) {
        const response = await request(app, method, url, { payload });
        expect({ method, url, status: response.status }).not.toMatchObject({ status: 401 });
      }
      expect(await ownedRows(app)).toBeGreaterThan(0);
    });

    describe('two users', () => {
      const asBob = { 'x-test-user': 'bob' };

      async function startWithAliceConversation(): Promise<{ app: App; id: string }> {
        const app = await start({ userAuth: new HeaderUserAuth() });
        const id = await createConversation(app, { initial_user_msg: 'alice only' });
        return { app, id };
      }

      it("bob cannot see, get, rename, delete or read alice's conversation", async () => {
        const { app, id } = await startWithAliceConversation();
        const bobList = await request(app, 'GET', '/api/conversations', { headers: asBob });
        expect(bobList.body).toEqual({ results: [], next_page_id: null });
        const bobGet = await request(app, 'GET', `/api/conversations/${id}`, { headers: asBob });
        expect(bobGet.status).toBe(200);
        expect(bobGet.text).toBe('null');
        const rename = await request(app, 'PATCH', `/api/conversations/${id}`, {
          payload: { title: 'stolen' },
          headers: asBob,
        });
        expect(rename.status).toBe(404);
        expect(rename.body).toMatchObject({ msg_id: 'CONVERSATION$NOT_FOUND' });
        const remove = await request(app, 'DELETE', `/api/conversations/${id}`, {
          headers: asBob,
        });
        expect(remove.status).toBe(200);
        expect(remove.text).toBe('false');
        const events = await request(app, 'GET', `/api/conversations/${id}/events`, {
          headers: asBob,
        });
        expect(events.status).toBe(404);
        expect(events.text).not.toContain('alice only');
        for (const path of ['config', 'git/changes', 'web-hosts', 'vscode-url']) {
          const response = await request(app, 'GET', `/api/conversations/${id}/${path}`, {
            headers: asBob,
          });
          expect({ path, status: response.status }).toEqual({ path, status: 404 });
        }
        // Alice still has it, untouched.
        const aliceGet = await request(app, 'GET', `/api/conversations/${id}`);
        expect(aliceGet.body).toMatchObject({
          conversation_id: id,
          title: `Conversation ${id.slice(0, 5)}`,
        });
        expect((await request(app, 'GET', `/api/conversations/${id}/events`)).status).toBe(200);
      });

      it("bob cannot post events or messages to, start or stop alice's conversation", async () => {
        const { app, id } = await startWithAliceConversation();
        const before = await app.eventStore.count(id);
        const calls: [Method, string, unknown][] = [
          ['POST', `/api/conversations/${id}/message`, { message: 'from bob' }],
          [
            'POST',
            `/api/conversations/${id}/events`,
            { action: 'message', args: { content: 'b' } },
          ],
          ['POST', `/api/conversations/${id}/stop`, undefined],
          ['POST', `/api/conversations/${id}/start`, {}],
        ];
        for (const [method, url, payload] of calls) {
          const response = await request(app, method, url, { payload, headers: asBob });
          expect({ url, status: response.status }).toEqual({ url, status: 404 });
        }
        expect(await app.eventStore.count(id)).toBe(before);
        const aliceView = await request(app, 'GET', `/api/conversations/${id}`);
        expect(aliceView.body).toMatchObject({ status: 'RUNNING' });
      });

      it('each user lists only their own conversations', async () => {
        const { app, id: aliceId } = await startWithAliceConversation();
        const bobId = await createConversation(app, {}, asBob);
        const ids = async (headers: Record<string, string>) =>
          (
            (await request(app, 'GET', '/api/conversations', { headers })).body as {
              results: { conversation_id: string }[];
            }
          ).results.map((info) => info.conversation_id);
        expect(await ids({})).toEqual([aliceId]);
        expect(await ids(asBob)).toEqual([bobId]);
      });

      it('settings are per user', async () => {
        const app = await start({ userAuth: new HeaderUserAuth() });
        await request(app, 'POST', '/api/settings', {
          payload: { language: 'fr', llm_api_key: 'sk-alice' },
        });
        const bob = await request(app, 'GET', '/api/settings', { headers: asBob });
        expect(bob.status).toBe(404);
        await request(app, 'POST', '/api/settings', {
          payload: { language: 'de' },
          headers: asBob,
        });
        expect((await request(app, 'GET', '/api/settings', { headers: asBob })).body).toMatchObject(
          { language: 'de', llm_api_key_set: false },
        );
        expect((await request(app, 'GET', '/api/settings')).body).toMatchObject({
          language: 'fr',
          llm_api_key_set: true,
        });
      });

      it('secrets are per user', async () => {
        const app = await start({ userAuth: new HeaderUserAuth() });
        const created = await request(app, 'POST', '/api/secrets', {
          payload: { name: 'TOKEN', value: 'alice-value' },
        });
        expect(created.status).toBe(201);
        const bobList = await request(app, 'GET', '/api/secrets', { headers: asBob });
        expect(bobList.body).toEqual({ custom_secrets: [] });
        // The same name is free for bob; bob cannot rename or delete alice's.
        const bobCreate = await request(app, 'POST', '/api/secrets', {
          payload: { name: 'TOKEN', value: 'bob-value', description: 'bob' },
          headers: asBob,
        });
        expect(bobCreate.status).toBe(201);
        await request(app, 'DELETE', '/api/secrets/TOKEN', { headers: asBob });
        const missingForBob = await request(app, 'DELETE', '/api/secrets/TOKEN', {
          headers: asBob,
        });
        expect(missingForBob.status).toBe(404);
        const renameForBob = await request(app, 'PUT', '/api/secrets/TOKEN', {
          payload: { name: 'MINE' },
          headers: asBob,
        });
        expect(renameForBob.status).toBe(404);
        expect((await request(app, 'GET', '/api/secrets')).body).toEqual({
          custom_secrets: [{ name: 'TOKEN', description: null }],
        });
      });
    });
  });
}
