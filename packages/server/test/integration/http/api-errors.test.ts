import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import {
  createConversation,
  createTestApi,
  request,
  type JsonResponse,
  type TestApi,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const backends = await testDatabaseBackends();

/** A V8 stack frame such as `at handler (/x/y.ts:12:3)` or `at /x/y.js:1:2`. */
const stackFrame = /\bat (?:\S+ \()?(?:file:\/\/|\/|node:)\S*:\d+/;

const json = { 'content-type': 'application/json' };

/** Every route of the REST face, as the OpenAPI document names it. */
const documentedRoutes: [string, string][] = [
  ['get', '/api/options/config'],
  ['get', '/api/options/models'],
  ['get', '/api/options/agents'],
  ['get', '/api/options/security-analyzers'],
  ['get', '/api/settings'],
  ['post', '/api/settings'],
  ['get', '/api/secrets'],
  ['post', '/api/secrets'],
  ['put', '/api/secrets/{id}'],
  ['delete', '/api/secrets/{id}'],
  ['get', '/api/conversations'],
  ['post', '/api/conversations'],
  ['get', '/api/conversations/{id}'],
  ['patch', '/api/conversations/{id}'],
  ['delete', '/api/conversations/{id}'],
  ['post', '/api/conversations/{id}/start'],
  ['post', '/api/conversations/{id}/stop'],
  ['get', '/api/conversations/{id}/events'],
  ['post', '/api/conversations/{id}/events'],
  ['post', '/api/conversations/{id}/events/respond_to_confirmation'],
  ['post', '/api/conversations/{id}/message'],
  ['get', '/api/conversations/{id}/config'],
  ['get', '/api/conversations/{id}/git/changes'],
  ['get', '/api/conversations/{id}/web-hosts'],
  ['get', '/api/conversations/{id}/vscode-url'],
  ['get', '/api/v1/sandboxes'],
  ['post', '/api/v1/sandboxes/{id}/pause'],
  ['post', '/api/v1/sandboxes/{id}/resume'],
  ['post', '/api/v1/app-conversations'],
  ['get', '/api/v1/app-conversations'],
  ['get', '/api/v1/app-conversations/search'],
  ['get', '/api/v1/app-conversations/count'],
  ['get', '/api/v1/app-conversations/start-tasks'],
  ['get', '/api/v1/app-conversations/start-tasks/search'],
  ['get', '/api/v1/app-conversations/start-tasks/count'],
  ['post', '/api/conversations/{id}/pause'],
  ['post', '/api/conversations/{id}/run'],
  ['get', '/api/git/changes/{*}'],
  ['get', '/api/git/diff/{*}'],
];

/** Limits, malformed input, the error handler's bodies, OpenAPI and the options routes. */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`API errors and documents on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(): Promise<App> {
      const api = await createTestApi(backend);
      apis.push(api);
      return api.app;
    }

    it('refuses JSON nested past 64 levels with a 400 and stores nothing (R5: the settings 500)', async () => {
      const app = await start();
      // Built as text: a value this deep overflows JSON.stringify's stack, as it did the server's.
      const deep = '{"next":'.repeat(5_000) + '"leaf"' + '}'.repeat(5_000);
      const refused = await request(app, 'POST', '/api/settings', {
        payload: `{"llm_model":"demo","mcp_config":${deep}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        code: 'REQUEST_MALFORMED',
        message: 'The request body nests JSON deeper than 64 levels',
      });
      expect((await request(app, 'GET', '/api/settings')).status).toBe(404);
      // Nesting that real settings use is fine; so is a string full of brackets.
      const accepted = await request(app, 'POST', '/api/settings', {
        payload: {
          llm_model: 'demo',
          mcp_config: { sse_servers: [{ url: 'http://mcp.example/[[[[{{{{' }] },
        },
      });
      expect(accepted.status).toBe(200);
    });

    it('refuses a body over 4 MiB with 413 JSON, and accepts one just under', async () => {
      const app = await start();
      const id = await createConversation(app);
      const before = await app.eventStore.count(id);
      const big = JSON.stringify({ message: 'x'.repeat(4 * 1024 * 1024) });
      const refused = await request(app, 'POST', `/api/conversations/${id}/message`, {
        payload: big,
        headers: json,
      });
      expect(refused.status).toBe(413);
      expect(refused.headers['content-type']).toContain('application/json');
      expect(refused.body).toMatchObject({ status: 'error', code: 'REQUEST_TOO_LARGE' });
      expect(await app.eventStore.count(id)).toBe(before);
      const fits = JSON.stringify({ message: 'y'.repeat(4 * 1024 * 1024 - 100) });
      const accepted = await request(app, 'POST', `/api/conversations/${id}/message`, {
        payload: fits,
        headers: json,
      });
      expect(accepted.status).toBe(200);
      expect(await app.eventStore.count(id)).toBe(before + 1);
    });

    it.each([
      ['truncated JSON', '{"initial_user_msg": "hi"'],
      ['not JSON at all', 'hello there'],
      ['a trailing comma', '{"initial_user_msg": "hi",}'],
    ])('refuses %s with 400 JSON REQUEST_MALFORMED', async (_label, payload) => {
      const app = await start();
      const response = await request(app, 'POST', '/api/conversations', { payload, headers: json });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toMatchObject({ status: 'error', code: 'REQUEST_MALFORMED' });
      expect((await request(app, 'GET', '/api/conversations')).body).toMatchObject({
        results: [],
      });
    });

    it('refuses an unsupported content type with a JSON 415', async () => {
      const app = await start();
      const response = await request(app, 'POST', '/api/settings', {
        payload: 'language=fr',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(415);
      expect(response.body).toMatchObject({ status: 'error', code: 'REQUEST_MALFORMED' });
    });

    it('answers an unknown /api route with a JSON 404', async () => {
      const app = await start();
      const response = await request(app, 'GET', '/api/nowhere');
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toContain('application/json');
    });

    it('an unexpected failure is a JSON 500 without a stack or driver detail', async () => {
      const app = await start();
      await createConversation(app);
      await app.database.close();
      const response = await request(app, 'GET', '/api/conversations');
      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        status: 'error',
        message: 'Internal server error',
        code: 'INTERNAL_ERROR',
        detail: 'Internal server error',
      });
      expect(response.text).not.toMatch(stackFrame);
      expect(response.text).not.toContain('"stack"');
    });

    it("a failure on the server side answers in the route's upstream words, and is logged", async () => {
      const capture = createCapturingLogger('error');
      const api = await createTestApi(backend, { logger: capture.logger });
      apis.push(api);
      const app = api.app;
      const id = await createConversation(app);
      await app.database.close();
      const started = await request(app, 'POST', `/api/conversations/${id}/start`, {
        payload: {},
      });
      expect({ status: started.status, body: started.body }).toEqual({
        status: 500,
        body: {
          status: 'error',
          message: 'Failed to start conversation: internal error (see the server log)',
          code: 'INTERNAL_ERROR',
          detail: 'Failed to start conversation: internal error (see the server log)',
          conversation_id: id,
        },
      });
      const sent = await request(app, 'POST', `/api/conversations/${id}/message`, {
        payload: { message: 'hello?' },
      });
      expect({ status: sent.status, body: sent.body }).toEqual({
        status: 500,
        body: {
          success: false,
          error: 'Error adding message to conversation: internal error (see the server log)',
        },
      });
      expect(sent.text).not.toMatch(stackFrame);
      // What failed went to the log, once per request, with the error itself.
      const failures = capture.lines().filter((line) => line['err'] !== undefined);
      expect(failures).toHaveLength(2);
    });

    it('start of a missing conversation: 404 naming it, in the default body', async () => {
      const app = await start();
      const response = await request(app, 'POST', '/api/conversations/0000missing/start', {
        payload: {},
      });
      expect({ status: response.status, body: response.body }).toEqual({
        status: 404,
        body: {
          status: 'error',
          message: 'Conversation not found',
          code: 'CONVERSATION_NOT_FOUND',
          msg_id: 'CONVERSATION$NOT_FOUND',
          detail: 'Conversation not found',
          conversation_id: '0000missing',
        },
      });
    });

    it('no error body carries a stack trace', async () => {
      const app = await start();
      const id = await createConversation(app);
      const responses: JsonResponse[] = [
        await request(app, 'POST', '/api/conversations', { payload: { nope: 1 } }),
        await request(app, 'POST', '/api/conversations', { payload: '{', headers: json }),
        await request(app, 'GET', '/api/conversations?page_id=%%%'),
        await request(app, 'GET', `/api/conversations/${'z'.repeat(101)}`),
        await request(app, 'GET', '/api/conversations/a%00b'),
        await request(app, 'PATCH', '/api/conversations/0000missing', { payload: { title: 't' } }),
        await request(app, 'POST', '/api/conversations/0000missing/start', { payload: {} }),
        await request(app, 'GET', `/api/conversations/${id}/events?limit=0`),
        await request(app, 'POST', `/api/conversations/${id}/events`, {
          payload: { action: 'nope' },
        }),
        await request(app, 'POST', `/api/conversations/${id}/events`, {
          payload: { observation: 'run' },
        }),
        await request(app, 'GET', '/api/settings'),
        await request(app, 'POST', '/api/settings', { payload: { condenser_max_size: 1 } }),
        await request(app, 'PUT', '/api/secrets/NONE', { payload: { name: 'X' } }),
        await request(app, 'DELETE', '/api/secrets/NONE'),
        await request(app, 'POST', '/api/secrets', { payload: { name: '' } }),
        await request(app, 'GET', '/api/nowhere'),
      ];
      for (const response of responses) {
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.text).not.toMatch(stackFrame);
        expect(response.text).not.toContain('"stack"');
        expect(response.body).toBeTypeOf('object');
      }
    });

    it("reports the server package's version in the OpenAPI document", async () => {
      const app = await start();
      const response = await request(app, 'GET', '/openapi.json');
      const packageJson = JSON.parse(
        readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
      ) as { name: string; version: string };
      expect(packageJson.name).toBe('@parley/server');
      expect((response.body as { info: { version: string } }).info.version).toBe(
        packageJson.version,
      );
    });

    it('serves an OpenAPI 3 document with every route, and browsable docs', async () => {
      const app = await start();
      const response = await request(app, 'GET', '/openapi.json');
      expect(response.status).toBe(200);
      const document = response.body as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      };
      expect(document.openapi).toMatch(/^3\./);
      const missing = documentedRoutes.filter(
        ([method, path]) => document.paths[path]?.[method] === undefined,
      );
      expect(missing).toEqual([]);
      const docs = await request(app, 'GET', '/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers['content-type']).toContain('text/html');
      expect(docs.text).toContain('swagger');
    });

    it('options: models, agents, security analyzers and config', async () => {
      const app = await start();
      const models = await request(app, 'GET', '/api/options/models');
      expect(models.status).toBe(200);
      expect(models.body).toContain('demo');
      for (const path of ['models', 'agents', 'security-analyzers']) {
        const response = await request(app, 'GET', `/api/options/${path}`);
        expect(response.status).toBe(200);
        expect(Array.isArray(response.body)).toBe(true);
        for (const item of response.body as unknown[]) expect(item).toBeTypeOf('string');
      }
      expect((await request(app, 'GET', '/api/options/agents')).body).toContain('CodeActAgent');
      const config = await request(app, 'GET', '/api/options/config');
      expect(config.status).toBe(200);
      expect(config.body).toMatchObject({
        APP_MODE: 'oss',
        FEATURE_FLAGS: { ENABLE_BILLING: false, HIDE_LLM_SETTINGS: false },
      });
    });
  });
}
