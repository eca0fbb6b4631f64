import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { createCapturingLogger } from '../../support/test-logger.js';
import {
  createConversation,
  createTestApi,
  request,
  type JsonResponse,
  type TestApi,
  type TestApiOptions,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

const secretValue = 'ghp_secretvalue0123456789abcdef';

/** Custom secrets: `GET/POST /api/secrets`, `PUT/DELETE /api/secrets/{id}`. */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`secrets API on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(options: TestApiOptions = {}): Promise<App> {
      const api = await createTestApi(backend, options);
      apis.push(api);
      return api.app;
    }

    const list = async (app: App) => {
      const response = await request(app, 'GET', '/api/secrets');
      expect(response.status).toBe(200);
      return response;
    };
    const create = (app: App, payload: unknown) =>
      request(app, 'POST', '/api/secrets', { payload });

    it('lists nothing at first', async () => {
      const app = await start();
      expect((await list(app)).body).toEqual({ custom_secrets: [] });
    });

    it('creates (201), refuses a duplicate (400), lists names and descriptions only', async () => {
      const app = await start();
      const created = await create(app, {
        name: 'GITHUB_TOKEN',
        value: secretValue,
        description: 'CI token',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ message: 'Secret created successfully' });
      const duplicate = await create(app, { name: 'GITHUB_TOKEN', value: 'other' });
      expect(duplicate.status).toBe(400);
      expect(duplicate.body).toEqual({ message: 'Secret GITHUB_TOKEN already exists' });
      await create(app, { name: 'API_KEY', value: 'another-value' });
      const listed = await list(app);
      expect(listed.body).toEqual({
        custom_secrets: [
          { name: 'API_KEY', description: null },
          { name: 'GITHUB_TOKEN', description: 'CI token' },
        ],
      });
      expect(listed.text).not.toContain(secretValue);
      expect(listed.text).not.toContain('another-value');
    });

    it('PUT renames and re-describes (200), keeping the value', async () => {
      const app = await start();
      await create(app, { name: 'OLD_NAME', value: secretValue, description: 'before' });
      const updated = await request(app, 'PUT', '/api/secrets/OLD_NAME', {
        payload: { name: 'NEW_NAME', description: 'after' },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({ message: 'Secret updated successfully' });
      expect((await list(app)).body).toEqual({
        custom_secrets: [{ name: 'NEW_NAME', description: 'after' }],
      });
      // The value moved with it: it is masked in events under the new name.
      const id = await createConversation(app);
      await request(app, 'POST', `/api/conversations/${id}/message`, {
        payload: { message: `token ${secretValue}` },
      });
      const events = await request(app, 'GET', `/api/conversations/${id}/events`);
      expect(events.text).not.toContain(secretValue);
    });

    it('PUT onto an existing name: 400; PUT of a missing secret: 404 {"error":…}', async () => {
      const app = await start();
      await create(app, { name: 'ONE', value: 'v1' });
      await create(app, { name: 'TWO', value: 'v2' });
      const clash = await request(app, 'PUT', '/api/secrets/ONE', { payload: { name: 'TWO' } });
      expect(clash.status).toBe(400);
      expect(clash.body).toEqual({ message: 'Secret TWO already exists' });
      const missing = await request(app, 'PUT', '/api/secrets/NOPE', { payload: { name: 'X' } });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error: expect.stringContaining('NOPE') });
      expect((await list(app)).body).toEqual({
        custom_secrets: [
          { name: 'ONE', description: null },
          { name: 'TWO', description: null },
        ],
      });
    });

    it('DELETE answers 200, then 404', async () => {
      const app = await start();
      await create(app, { name: 'DOOMED', value: secretValue });
      const first = await request(app, 'DELETE', '/api/secrets/DOOMED');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ message: 'Secret deleted successfully' });
      expect((await list(app)).body).toEqual({ custom_secrets: [] });
      const second = await request(app, 'DELETE', '/api/secrets/DOOMED');
      expect(second.status).toBe(404);
      expect(second.body).toEqual({ error: expect.stringContaining('DOOMED') });
    });

    it.each([
      ['an empty name', { name: '', value: 'v' }],
      ['a name with a space', { name: 'MY SECRET', value: 'v' }],
      ['a name starting with a digit', { name: '1ST', value: 'v' }],
      ['a name with a slash', { name: 'a/b', value: 'v' }],
      ['an empty value', { name: 'EMPTY', value: '' }],
      ['a missing value', { name: 'NOVALUE' }],
      ['an extra key', { name: 'EXTRA', value: 'v', scope: 'global' }],
    ])('refuses %s with 422 and stores nothing', async (_label, payload) => {
      const app = await start();
      const response = await create(app, payload);
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ status: 'error', code: 'REQUEST_INVALID' });
      expect((await list(app)).body).toEqual({ custom_secrets: [] });
    });

    it('refuses a PUT with an invalid new name or an extra key with 422', async () => {
      const app = await start();
      await create(app, { name: 'KEEP', value: 'v' });
      for (const payload of [{ name: 'bad name' }, { name: 'OK', extra: true }, {}]) {
        const response = await request(app, 'PUT', '/api/secrets/KEEP', { payload });
        expect({ payload, status: response.status }).toEqual({ payload, status: 422 });
      }
      expect((await list(app)).body).toEqual({
        custom_secrets: [{ name: 'KEEP', description: null }],
      });
    });

    it('never shows a value in a response or a log line, nor stores it in plaintext', async () => {
      const capture = createCapturingLogger('trace');
      const app = await start({ logger: capture.logger });
      const responses: JsonResponse[] = [
        await create(app, { name: 'TOKEN', value: secretValue, description: 'd' }),
        await create(app, { name: 'TOKEN', value: secretValue }),
        await create(app, { name: 'bad name', value: secretValue }),
        await request(app, 'PUT', '/api/secrets/TOKEN', {
          payload: { name: 'TOKEN', value: `${secretValue}-2` },
        }),
        await request(app, 'PUT', '/api/secrets/MISSING', {
          payload: { name: 'MISSING', value: secretValue },
        }),
        await list(app),
      ];
      expect(responses.map((response) => response.status)).toEqual([201, 400, 422, 200, 404, 200]);
      for (const response of responses) expect(response.text).not.toContain(secretValue);
      const rows = await app.database.kysely.selectFrom('secrets').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(secretValue);
      await app.close();
      const lines = capture.lines();
      expect(lines.map((line) => line['msg'])).toContain('shut down');
      for (const line of lines) expect(JSON.stringify(line)).not.toContain(secretValue);
    });

    it('masks a custom secret as <secret_hidden> in events sent afterwards', async () => {
      const app = await start();
      const id = await createConversation(app);
      await create(app, { name: 'DEPLOY_KEY', value: secretValue });
      const sent = await request(app, 'POST', `/api/conversations/${id}/message`, {
        payload: { message: `deploy with ${secretValue} please` },
      });
      expect(sent.status).toBe(200);
      const events = await request(app, 'GET', `/api/conversations/${id}/events`);
      expect(events.text).not.toContain(secretValue);
      const message = (events.body as { events: Record<string, unknown>[] }).events.find(
        (event) => event['action'] === 'message',
      );
      expect(message).toMatchObject({
        args: { content: 'deploy with <secret_hidden> please' },
      });
      const stored = await app.database.kysely.selectFrom('events').select('payload').execute();
      expect(JSON.stringify(stored)).not.toContain(secretValue);
    });

    it('masks custom secrets and the LLM API key in an initial_user_msg', async () => {
      const app = await start();
      await create(app, { name: 'DEPLOY_KEY', value: secretValue });
      await request(app, 'POST', '/api/settings', {
        payload: { llm_api_key: 'sk-llm-key-987654' },
      });
      const id = await createConversation(app, {
        initial_user_msg: `use ${secretValue} and sk-llm-key-987654`,
      });
      const events = await request(app, 'GET', `/api/conversations/${id}/events`);
      expect(events.text).toContain('use <secret_hidden> and <secret_hidden>');
      expect(events.text).not.toContain(secretValue);
      expect(events.text).not.toContain('sk-llm-key-987654');
    });
  });
}
