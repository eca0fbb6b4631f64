import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { createCapturingLogger } from '../../support/test-logger.js';
import {
  createTestApi,
  request,
  type JsonResponse,
  type TestApi,
  type TestApiOptions,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

const apiKey = 'sk-test-4f1c0a5e9b7d4c21a8e3';

/** What the stock web UI POSTs from its settings modal (reference §11.6). */
const stockUiSettings = {
  llm_model: 'openhands/claude-sonnet-4-20250514',
  agent: 'CodeActAgent',
  language: 'en',
  confirmation_mode: false,
  llm_api_key: apiKey,
  remote_runtime_resource_factor: 1,
  enable_default_condenser: true,
  condenser_max_size: 120,
  enable_sound_notifications: false,
  provider_tokens_set: {},
  mcp_config: { sse_servers: [], stdio_servers: [], shttp_servers: [] },
  enable_proactive_conversation_starters: false,
  enable_solvability_analysis: false,
  search_api_key: '',
  max_budget_per_task: null,
  git_user_name: 'openhands',
  git_user_email: 'openhands@all-hands.dev',
};

const otherKey = 'ab'.repeat(32);

/** `GET/POST /api/settings` (reference §5.3, §10.1, §11.6). */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`settings API on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function startApi(options: TestApiOptions = {}): Promise<TestApi> {
      const api = await createTestApi(backend, options);
      apis.push(api);
      return api;
    }
    const start = async (options: TestApiOptions = {}): Promise<App> =>
      (await startApi(options)).app;

    const storedBaseUrl = async (app: App): Promise<unknown> => {
      const row = await app.database.kysely
        .selectFrom('settings')
        .select('fields')
        .executeTakeFirst();
      return (JSON.parse(row?.fields ?? '{}') as { llm_base_url?: unknown }).llm_base_url;
    };
    const getSettings = (app: App) => request(app, 'GET', '/api/settings');
    const postSettings = (app: App, payload: unknown) =>
      request(app, 'POST', '/api/settings', { payload });

    it('answers a base URL password as <secret_hidden> and keeps it when the form posts that back', async () => {
      const app = await start();
      const withPassword = 'https://parley:gateway-pass-7f3a91@llm.example.com/v1';
      expect((await postSettings(app, { llm_base_url: withPassword })).status).toBe(200);
      const read = await getSettings(app);
      expect(read.text).not.toContain('gateway-pass-7f3a91');
      const shown = (read.body as { llm_base_url: string }).llm_base_url;
      expect(shown).toBe('https://parley:%3Csecret_hidden%3E@llm.example.com/v1');
      // The settings form sends every field it read back: the stored password stays.
      expect((await postSettings(app, { llm_base_url: shown, language: 'fr' })).status).toBe(200);
      expect(await storedBaseUrl(app)).toBe(withPassword);
      // A new password replaces it; a URL without one clears it.
      await postSettings(app, { llm_base_url: 'https://parley:other-pass-2b@llm.example.com/v1' });
      expect(await storedBaseUrl(app)).toBe('https://parley:other-pass-2b@llm.example.com/v1');
      await postSettings(app, { llm_base_url: 'https://llm.example.com/v1' });
      expect((await getSettings(app)).body).toMatchObject({
        llm_base_url: 'https://llm.example.com/v1',
      });
    });

    it('answers 404 {"error":"Settings not found"} before any are stored', async () => {
      const app = await start();
      const response = await getSettings(app);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'Settings not found' });
    });

    it('stores the stock UI body and reads it back with the keys masked', async () => {
      const app = await start();
      const stored = await postSettings(app, stockUiSettings);
      expect(stored.status).toBe(200);
      expect(stored.body).toEqual({ message: 'Settings stored' });
      const response = await getSettings(app);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        llm_model: 'openhands/claude-sonnet-4-20250514',
        agent: 'CodeActAgent',
        language: 'en',
        confirmation_mode: false,
        llm_api_key: null,
        llm_api_key_set: true,
        search_api_key: null,
        search_api_key_set: false,
        remote_runtime_resource_factor: 1,
        enable_default_condenser: true,
        condenser_max_size: 120,
        enable_sound_notifications: false,
        enable_proactive_conversation_starters: false,
        enable_solvability_analysis: false,
        mcp_config: { sse_servers: [], stdio_servers: [], shttp_servers: [] },
        max_budget_per_task: null,
        git_user_name: 'openhands',
        git_user_email: 'openhands@all-hands.dev',
        provider_tokens_set: {},
        sandbox_api_key: null,
      });
      const body = response.body as Record<string, unknown>;
      // null would open the stock UI's analytics consent modal on every visit.
      expect(typeof body['user_consents_to_analytics']).toBe('boolean');
      expect(response.text).not.toContain(apiKey);
    });

    it('fills defaults for fields never written', async () => {
      const app = await start();
      await postSettings(app, { language: 'fr' });
      expect((await getSettings(app)).body).toMatchObject({
        language: 'fr',
        agent: 'CodeActAgent',
        llm_model: 'demo',
        llm_api_key_set: false,
        search_api_key_set: false,
        user_consents_to_analytics: false,
        enable_default_condenser: true,
        confirmation_mode: false,
      });
    });

    it('a partial update keeps the stored key and the other fields', async () => {
      const app = await start();
      await postSettings(app, stockUiSettings);
      const partial = await postSettings(app, { language: 'de', confirmation_mode: true });
      expect(partial.status).toBe(200);
      expect((await getSettings(app)).body).toMatchObject({
        language: 'de',
        confirmation_mode: true,
        llm_model: 'openhands/claude-sonnet-4-20250514',
        condenser_max_size: 120,
        git_user_name: 'openhands',
        llm_api_key_set: true,
      });
      // null also keeps the key, as the stock UI sends it when the field was left untouched.
      await postSettings(app, { llm_api_key: null });
      expect((await getSettings(app)).body).toMatchObject({ llm_api_key_set: true });
    });

    it('llm_api_key "" clears the key; search_api_key can be set and cleared', async () => {
      const app = await start();
      await postSettings(app, { ...stockUiSettings, search_api_key: 'tvly-search-key' });
      expect((await getSettings(app)).body).toMatchObject({
        llm_api_key_set: true,
        search_api_key_set: true,
      });
      await postSettings(app, { llm_api_key: '', search_api_key: '' });
      expect((await getSettings(app)).body).toMatchObject({
        llm_api_key_set: false,
        search_api_key_set: false,
        llm_model: 'openhands/claude-sonnet-4-20250514',
      });
    });

    it('refuses condenser_max_size below 20 with 422 and changes nothing', async () => {
      const app = await start();
      await postSettings(app, stockUiSettings);
      const before = (await getSettings(app)).body;
      const response = await postSettings(app, {
        condenser_max_size: 5,
        language: 'es',
        llm_api_key: '',
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        status: 'error',
        code: 'REQUEST_INVALID',
        detail: [expect.objectContaining({ loc: ['body', 'condenser_max_size'] })],
      });
      expect((await getSettings(app)).body).toEqual(before);
    });

    it.each([
      ['a string max_iterations', { max_iterations: 'many' }],
      ['a negative max_budget_per_task', { max_budget_per_task: -1 }],
      ['a non-boolean confirmation_mode', { confirmation_mode: 'yes' }],
    ])('refuses %s with 422', async (_label, payload) => {
      const app = await start();
      const response = await postSettings(app, payload);
      expect(response.status).toBe(422);
      expect((await getSettings(app)).status).toBe(404);
    });

    it('never shows the API key in a response or a log line, and never stores it in plaintext', async () => {
      const capture = createCapturingLogger('trace');
      const app = await start({ logger: capture.logger });
      const responses: JsonResponse[] = [
        await postSettings(app, stockUiSettings),
        await getSettings(app),
        await postSettings(app, { ...stockUiSettings, condenser_max_size: 5 }),
        await postSettings(app, { llm_api_key: apiKey, max_iterations: 'bad' }),
        await request(app, 'POST', '/api/settings', {
          payload: `{"llm_api_key":"${apiKey}"`,
          headers: { 'content-type': 'application/json' },
        }),
        await request(app, 'POST', '/api/conversations', { payload: {} }),
        await request(app, 'GET', '/api/conversations'),
      ];
      expect(responses.map((response) => response.status)).toEqual([
        200, 200, 422, 422, 400, 200, 200,
      ]);
      for (const response of responses) expect(response.text).not.toContain(apiKey);
      const rows = await app.database.kysely.selectFrom('settings').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.encrypted_keys).toMatch(/^v1:/);
      expect(JSON.stringify(rows)).not.toContain(apiKey);
      expect(JSON.stringify(rows)).not.toContain(Buffer.from(apiKey).toString('base64'));
      // Closing logs too, which shows the capture sees the app's log lines.
      await app.close();
      const lines = capture.lines();
      expect(lines.map((line) => line['msg'])).toContain('shut down');
      for (const line of lines) expect(JSON.stringify(line)).not.toContain(apiKey);
    });

    it('creates <dataDir>/secrets.key once, with mode 0600', async () => {
      const app = await start();
      const keyFile = join(app.config.dataDirectory, 'secrets.key');
      expect(existsSync(keyFile)).toBe(true);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    });

    it('with PARLEY_SECRETS_KEY set, creates no key file and still round-trips', async () => {
      const app = await start({ env: { PARLEY_SECRETS_KEY: otherKey } });
      expect(existsSync(join(app.config.dataDirectory, 'secrets.key'))).toBe(false);
      await postSettings(app, stockUiSettings);
      expect((await getSettings(app)).body).toMatchObject({ llm_api_key_set: true });
    });

    it('the same key after a restart reads the stored settings', async () => {
      const api = await startApi({ env: { PARLEY_SECRETS_KEY: otherKey } });
      await postSettings(api.app, stockUiSettings);
      const app = await api.restart({ env: { PARLEY_SECRETS_KEY: otherKey } });
      expect((await getSettings(app)).body).toMatchObject({ llm_api_key_set: true });
    });

    it('a restart with another key: reading settings is a 500 SECRET_UNREADABLE, without a stack', async () => {
      const api = await startApi();
      await postSettings(api.app, stockUiSettings);
      const app = await api.restart({ env: { PARLEY_SECRETS_KEY: otherKey } });
      const response = await getSettings(app);
      expect(response.status).toBe(500);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toMatchObject({ status: 'error', code: 'SECRET_UNREADABLE' });
      expect(response.text).not.toMatch(/\bat \S+ \(|\.ts:\d+|\.js:\d+/);
      expect(response.text).not.toContain('stack');
      // Creating a conversation needs the settings too.
      const create = await request(app, 'POST', '/api/conversations', { payload: {} });
      expect(create.status).toBe(500);
      expect(create.body).toMatchObject({ code: 'SECRET_UNREADABLE' });
    });
  });
}
