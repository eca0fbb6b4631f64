/**
 * One rule for text stored outside an event's JSON payload, on both databases: PostgreSQL refuses
 * U+0000 in a text column and turns a lone surrogate into U+FFFD, SQLite stores both its own way.
 * Text a client chose (a title, repository, branch, filter, settings string, secret name,
 * description or value) is refused with 422 naming the field; text Parley derives (a title from
 * the first message) is made storable, each offending code unit replaced by U+FFFD. Inside an
 * event's JSON payload the same characters are escaped and come back exactly as sent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testUserHeader } from '../../support/header-user-auth.js';
import { SocketIoTestClient } from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { request, type JsonResponse } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();
const nul = 'before\u0000after';
const loneSurrogate = 'broken \uD800 pair';
const reversedPair = 'reversed \uDC00\uD800 pair';

for (const backend of backends) {
  describe.skipIf(!backend.available)(`stored text on ${backend.name}`, () => {
    let server: RealtimeTestApp | undefined;
    const clients: SocketIoTestClient[] = [];
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await server?.cleanup();
      server = undefined;
    });

    async function start(): Promise<RealtimeTestApp> {
      server = await startRealtimeApp(
        backend,
        { PARLEY_DEMO_TOKEN_DELAY_MS: '0' },
        { agentLoops: 'manager' },
      );
      return server;
    }

    const call = (
      app: RealtimeTestApp,
      method: 'GET' | 'POST' | 'PATCH' | 'PUT',
      url: string,
      payload?: unknown,
    ): Promise<JsonResponse> =>
      request(app.app, method, url, { payload, headers: { [testUserHeader]: 'alice' } });

    function expectRefused(response: JsonResponse, location: (string | number)[]): void {
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        code: 'REQUEST_INVALID',
        detail: [{ loc: location, type: 'unstorable_text' }],
      });
    }

    /** The conversation's title frame, from a Socket.IO client connected to it. */
    async function titleFrame(app: RealtimeTestApp, conversationId: string): Promise<unknown> {
      const client = new SocketIoTestClient(
        app.url,
        { conversation_id: conversationId, latest_event_id: '-1' },
        { [testUserHeader]: 'alice' },
      );
      clients.push(client);
      await client.connected();
      await client.changes.until(() =>
        client.events.some((event) => event['conversation_title'] !== undefined),
      );
      return client.events.find((event) => event['conversation_title'] !== undefined)?.[
        'conversation_title'
      ];
    }

    it('refuses a title with U+0000 or a lone surrogate with 422 naming body.title', async () => {
      const app = await start();
      const created = await call(app, 'POST', '/api/conversations', {});
      const id = (created.body as { conversation_id: string }).conversation_id;
      for (const title of [nul, loneSurrogate, reversedPair, '\uDBFF']) {
        expectRefused(await call(app, 'PATCH', `/api/conversations/${id}`, { title }), [
          'body',
          'title',
        ]);
      }
      // A whole pair (an emoji) is fine, and comes back unchanged.
      const emoji = 'Plans \u{1F680} ahead';
      expect((await call(app, 'PATCH', `/api/conversations/${id}`, { title: emoji })).body).toBe(
        true,
      );
      expect(
        ((await call(app, 'GET', `/api/conversations/${id}`)).body as Record<string, unknown>)[
          'title'
        ],
      ).toBe(emoji);
    });

    it('titles a conversation whose first message holds U+0000 or a lone surrogate', async () => {
      const app = await start();
      for (const [message, title] of [
        [nul, 'before\uFFFDafter'],
        [loneSurrogate, 'broken \uFFFD pair'],
      ] as const) {
        const created = await call(app, 'POST', '/api/conversations', {
          initial_user_msg: message,
        });
        expect(created.status).toBe(200);
        const id = (created.body as { conversation_id: string }).conversation_id;
        expect(await titleFrame(app, id)).toBe(title);
        const info = await call(app, 'GET', `/api/conversations/${id}`);
        expect((info.body as Record<string, unknown>)['title']).toBe(title);
        // The message itself sits in the JSON payload, exactly as sent.
        const events = await call(app, 'GET', `/api/conversations/${id}/events?limit=100`);
        const first = (events.body as { events: Record<string, unknown>[] }).events.find(
          (event) => event['action'] === 'message',
        );
        expect((first?.['args'] as { content: string }).content).toBe(message);
      }
    });

    it('refuses such text in the fields of a new conversation and in list filters', async () => {
      const app = await start();
      for (const field of ['repository', 'selected_branch', 'git_provider']) {
        expectRefused(await call(app, 'POST', '/api/conversations', { [field]: nul }), [
          'body',
          field,
        ]);
      }
      expectRefused(await call(app, 'GET', '/api/conversations?selected_repository=a%00b'), [
        'query',
        'selected_repository',
      ]);
      expectRefused(await call(app, 'GET', '/api/conversations?conversation_trigger=%00'), [
        'query',
        'conversation_trigger',
      ]);
      const list = await call(app, 'GET', '/api/conversations');
      expect((list.body as { results: unknown[] }).results).toEqual([]);
    });

    it('refuses such text in settings strings and in custom secrets', async () => {
      const app = await start();
      expectRefused(await call(app, 'POST', '/api/settings', { llm_model: `demo${nul}` }), [
        'body',
        'llm_model',
      ]);
      expectRefused(await call(app, 'POST', '/api/settings', { llm_api_key: loneSurrogate }), [
        'body',
        'llm_api_key',
      ]);
      expectRefused(
        await call(app, 'POST', '/api/secrets', { name: 'TOKEN', value: 'v', description: nul }),
        ['body', 'description'],
      );
      expectRefused(
        await call(app, 'POST', '/api/secrets', { name: 'TOKEN', value: loneSurrogate }),
        ['body', 'value'],
      );
      const secrets = await call(app, 'GET', '/api/secrets');
      expect(secrets.body).toEqual({ custom_secrets: [] });
    });

    it('keeps U+0000 and lone surrogates inside a message exactly as sent', async () => {
      const app = await start();
      const created = await call(app, 'POST', '/api/conversations', {});
      const id = (created.body as { conversation_id: string }).conversation_id;
      const text = `${nul} ${loneSurrogate} ${reversedPair}`;
      expect(
        (await call(app, 'POST', `/api/conversations/${id}/message`, { message: text })).status,
      ).toBe(200);
      const events = await call(app, 'GET', `/api/conversations/${id}/events?limit=100`);
      const stored = (events.body as { events: Record<string, unknown>[] }).events.find(
        (event) => event['action'] === 'message',
      );
      expect((stored?.['args'] as { content: string }).content).toBe(text);
    });
  });
}
