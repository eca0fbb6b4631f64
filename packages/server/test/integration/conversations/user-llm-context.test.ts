/**
 * One user command reads and decrypts the user's settings once (issue 17: it used to be two to
 * four times), counted through spies on the real SQL settings store and the real secret box.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { App } from '../../../src/app.js';
import { SqlSettingsStore } from '../../../src/settings/sql-settings-store.js';
import { SecretBox } from '../../../src/shared/secret-box.js';
import { createTestApi, request, type TestApi } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

for (const backend of backends) {
  describe.skipIf(!backend.available)(`the user's LLM context on ${backend.name}`, () => {
    let api: TestApi;
    let app: App;
    let settingsReads: MockInstance;
    let decryptions: MockInstance;

    beforeEach(async () => {
      api = await createTestApi(backend, { env: { PARLEY_DEMO_TOKEN_DELAY_MS: '0' } });
      app = api.app;
      // A stored API key makes the settings row hold a sealed blob, so reading it decrypts.
      const saved = await request(app, 'POST', '/api/settings', {
        payload: { llm_model: 'demo', llm_api_key: 'sk-user-0123456789abcdef' },
      });
      expect(saved.status).toBe(200);
      settingsReads = vi.spyOn(SqlSettingsStore.prototype, 'load');
      decryptions = vi.spyOn(SecretBox.prototype, 'open');
    });
    afterEach(async () => {
      vi.restoreAllMocks();
      await api.cleanup();
    });

    /** Runs `command` and returns how often it read and decrypted the settings. */
    async function counted(command: () => Promise<unknown>): Promise<[number, number]> {
      settingsReads.mockClear();
      decryptions.mockClear();
      await command();
      return [settingsReads.mock.calls.length, decryptions.mock.calls.length];
    }

    async function post(url: string, payload: unknown = {}): Promise<unknown> {
      const response = await request(app, 'POST', url, { payload });
      expect(response.status).toBe(200);
      return response.body;
    }

    it('creating, starting and messaging read and decrypt the settings once each', async () => {
      let id = '';
      const create = await counted(async () => {
        const body = await post('/api/conversations', { initial_user_msg: 'hello' });
        id = (body as { conversation_id: string }).conversation_id;
      });
      expect(create).toEqual([1, 1]);

      // A message to the running loop.
      expect(
        await counted(() => post(`/api/conversations/${id}/message`, { message: 'hi' })),
      ).toEqual([1, 1]);

      // A message to a stopped loop starts it first: still one read.
      await post(`/api/conversations/${id}/stop`);
      expect(
        await counted(() => post(`/api/conversations/${id}/message`, { message: 'again' })),
      ).toEqual([1, 1]);

      await post(`/api/conversations/${id}/stop`);
      expect(await counted(() => post(`/api/conversations/${id}/start`))).toEqual([1, 1]);

      // The raw event route takes the same path as a message.
      expect(
        await counted(() =>
          post(`/api/conversations/${id}/events`, { action: 'message', args: { content: 'x' } }),
        ),
      ).toEqual([1, 1]);
    });

    it("a user's custom secret is decrypted once per message too", async () => {
      const created = await request(app, 'POST', '/api/secrets', {
        payload: { name: 'GITHUB_TOKEN', value: 'ghp_0123456789abcdef' },
      });
      expect(created.status).toBe(201);
      // The settings blob and the one custom secret: two decryptions, one settings read.
      expect(await counted(() => post('/api/conversations', { initial_user_msg: 'hi' }))).toEqual([
        1, 2,
      ]);
    });
  });
}
