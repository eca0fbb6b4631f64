import { afterEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src/events/event-store.js';
import type { App } from '../../../src/app.js';
import { messageAction } from '../../support/event-fixtures.js';
import {
  createConversation,
  createTestApi,
  request,
  type TestApi,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

interface EventPage {
  events: Record<string, unknown>[];
  has_more: boolean;
}

const ids = (page: unknown) => (page as EventPage).events.map((event) => event['id']);

/** `GET/POST /api/conversations/{id}/events` and `POST …/message` (reference §5.3). */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`conversation events API on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(): Promise<App> {
      const api = await createTestApi(backend, { agentLoops: 'log-only' });
      apis.push(api);
      return api.app;
    }

    /** A conversation with events 0…count-1 (0 is the loop's agent-state event). */
    async function conversationWithEvents(app: App, count: number): Promise<string> {
      const id = await createConversation(app);
      const existing = await app.eventStore.count(id);
      const more = Array.from({ length: count - existing }, (_, index) =>
        messageAction(`message ${existing + index}`),
      );
      await app.eventStreams.get(id).append(more);
      expect(await app.eventStore.count(id)).toBe(count);
      return id;
    }

    describe('GET /api/conversations/{id}/events', () => {
      it('answers the first 20 events by default, with has_more', async () => {
        const app = await start();
        const id = await conversationWithEvents(app, 25);
        const response = await request(app, 'GET', `/api/conversations/${id}/events`);
        expect(response.status).toBe(200);
        expect(ids(response.body)).toEqual(Array.from({ length: 20 }, (_, index) => index));
        expect((response.body as EventPage).has_more).toBe(true);
      });

      it('returns upstream event dicts', async () => {
        const app = await start();
        const id = await createConversation(app, { initial_user_msg: 'hello' });
        const response = await request(app, 'GET', `/api/conversations/${id}/events`);
        const [message, state] = (response.body as EventPage).events;
        expect(message).toEqual({
          id: 0,
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          source: 'user',
          message: 'hello',
          action: 'message',
          args: expect.objectContaining({ content: 'hello' }),
        });
        expect(state).toMatchObject({
          id: 1,
          source: 'agent',
          observation: 'agent_state_changed',
          extras: { agent_state: 'awaiting_user_input' },
        });
        expect((response.body as EventPage).has_more).toBe(false);
      });

      it('honours start_id, end_id (inclusive) and reverse', async () => {
        const app = await start();
        const id = await conversationWithEvents(app, 10);
        const page = async (query: string) =>
          (await request(app, 'GET', `/api/conversations/${id}/events?${query}`)).body;
        expect(ids(await page('start_id=7'))).toEqual([7, 8, 9]);
        expect(ids(await page('start_id=2&end_id=4'))).toEqual([2, 3, 4]);
        expect(ids(await page('reverse=true&limit=3'))).toEqual([9, 8, 7]);
        expect(ids(await page('reverse=true&start_id=2&end_id=5'))).toEqual([5, 4, 3, 2]);
        expect(ids(await page('start_id=50'))).toEqual([]);
      });

      it('computes has_more exactly at the page boundary', async () => {
        const app = await start();
        const id = await conversationWithEvents(app, 5);
        const page = async (query: string) =>
          (await request(app, 'GET', `/api/conversations/${id}/events?${query}`)).body as EventPage;
        expect((await page('limit=4')).has_more).toBe(true);
        expect((await page('limit=5')).has_more).toBe(false);
        expect((await page('limit=6')).has_more).toBe(false);
        expect((await page('start_id=3&limit=2')).has_more).toBe(false);
        expect((await page('start_id=2&limit=2')).has_more).toBe(true);
        expect((await page('reverse=true&limit=4')).has_more).toBe(true);
        expect((await page('reverse=true&limit=5')).has_more).toBe(false);
      });

      it.each(['0', '101', '-1'])('refuses limit=%s with 400 "Invalid limit"', async (limit) => {
        const app = await start();
        const id = await conversationWithEvents(app, 2);
        const response = await request(
          app,
          'GET',
          `/api/conversations/${id}/events?limit=${limit}`,
        );
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ status: 'error', message: 'Invalid limit' });
      });

      it('accepts limit 1 and 100', async () => {
        const app = await start();
        const id = await conversationWithEvents(app, 101);
        const one = await request(app, 'GET', `/api/conversations/${id}/events?limit=1`);
        expect(one.status).toBe(200);
        expect(ids(one.body)).toEqual([0]);
        expect((one.body as EventPage).has_more).toBe(true);
        const hundred = await request(app, 'GET', `/api/conversations/${id}/events?limit=100`);
        expect(hundred.status).toBe(200);
        expect(ids(hundred.body)).toEqual(Array.from({ length: 100 }, (_, index) => index));
        expect((hundred.body as EventPage).has_more).toBe(true);
      });

      it('refuses malformed query values with 422', async () => {
        const app = await start();
        const id = await conversationWithEvents(app, 2);
        for (const query of ['start_id=-1', 'start_id=x', 'reverse=maybe', 'limit=ten']) {
          const response = await request(app, 'GET', `/api/conversations/${id}/events?${query}`);
          expect({ query, status: response.status }).toEqual({ query, status: 422 });
        }
      });

      it('a missing conversation: 404', async () => {
        const app = await start();
        const response = await request(app, 'GET', '/api/conversations/0000missing/events');
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ msg_id: 'CONVERSATION$NOT_FOUND' });
      });

      it('never shows streaming deltas, and pages past them', async () => {
        const app = await start();
        const id = await createConversation(app); // event 0
        const delta = (content: string) =>
          ({ source: 'agent', streaming_delta: { content } }) as unknown as NewEvent;
        await app.eventStreams
          .get(id)
          .append([delta('Hel'), delta('lo'), messageAction('Hello'), delta('again')]);
        expect(await app.eventStore.count(id)).toBe(5);
        const all = await request(app, 'GET', `/api/conversations/${id}/events`);
        expect(ids(all.body)).toEqual([0, 3]);
        expect(all.text).not.toContain('streaming_delta');
        const first = await request(app, 'GET', `/api/conversations/${id}/events?limit=1`);
        expect(ids(first.body)).toEqual([0]);
        expect((first.body as EventPage).has_more).toBe(true);
        const second = await request(
          app,
          'GET',
          `/api/conversations/${id}/events?start_id=1&limit=1`,
        );
        expect(ids(second.body)).toEqual([3]);
        expect((second.body as EventPage).has_more).toBe(false);
        const reversed = await request(app, 'GET', `/api/conversations/${id}/events?reverse=true`);
        expect(ids(reversed.body)).toEqual([3, 0]);
      });
    });

    describe('POST /api/conversations/{id}/events', () => {
      it('stores a valid message action as a user event', async () => {
        const app = await start();
        const id = await createConversation(app);
        const before = await app.eventStore.count(id);
        const response = await request(app, 'POST', `/api/conversations/${id}/events`, {
          payload: { action: 'message', args: { content: 'from a client' } },
        });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ success: true });
        expect(await app.eventStore.count(id)).toBe(before + 1);
        const stored = await app.eventStore.get(id, before);
        expect(stored).toMatchObject({
          id: before,
          source: 'user',
          action: 'message',
          args: expect.objectContaining({ content: 'from a client' }),
        });
      });

      it.each([
        ['an unknown action', { action: 'launch_rockets', args: {} }],
        ['an observation', { observation: 'run', content: 'ls', extras: {} }],
        ['bad args', { action: 'message', args: { content: 42 } }],
        ['no action at all', { args: { content: 'x' } }],
      ])('refuses %s with 400 and appends nothing', async (_label, payload) => {
        const app = await start();
        const id = await createConversation(app);
        const before = await app.eventStore.count(id);
        const response = await request(app, 'POST', `/api/conversations/${id}/events`, {
          payload,
        });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ status: 'error' });
        expect(await app.eventStore.count(id)).toBe(before);
      });

      it('refuses a JSON array with 422 and appends nothing', async () => {
        const app = await start();
        const id = await createConversation(app);
        const before = await app.eventStore.count(id);
        const response = await request(app, 'POST', `/api/conversations/${id}/events`, {
          payload: JSON.stringify([{ action: 'message', args: { content: 'x' } }]),
          headers: { 'content-type': 'application/json' },
        });
        expect(response.status).toBe(422);
        expect(await app.eventStore.count(id)).toBe(before);
      });

      it('a missing conversation: 404', async () => {
        const app = await start();
        const response = await request(app, 'POST', '/api/conversations/0000missing/events', {
          payload: { action: 'message', args: { content: 'x' } },
        });
        expect(response.status).toBe(404);
        expect(await app.eventStore.count('0000missing')).toBe(0);
      });
    });

    describe('POST /api/conversations/{id}/message', () => {
      it('appends a user message event', async () => {
        const app = await start();
        const id = await createConversation(app);
        const before = await app.eventStore.count(id);
        const response = await request(app, 'POST', `/api/conversations/${id}/message`, {
          payload: { message: 'Please run the tests' },
        });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ success: true });
        const events = await request(
          app,
          'GET',
          `/api/conversations/${id}/events?start_id=${before}`,
        );
        expect((events.body as EventPage).events).toEqual([
          expect.objectContaining({
            id: before,
            source: 'user',
            action: 'message',
            args: expect.objectContaining({ content: 'Please run the tests' }),
          }),
        ]);
      });

      it('refuses a body without message with 422', async () => {
        const app = await start();
        const id = await createConversation(app);
        const before = await app.eventStore.count(id);
        const response = await request(app, 'POST', `/api/conversations/${id}/message`, {
          payload: { content: 'wrong key' },
        });
        expect(response.status).toBe(422);
        expect(await app.eventStore.count(id)).toBe(before);
      });

      it('a missing conversation: 404', async () => {
        const app = await start();
        const response = await request(app, 'POST', '/api/conversations/0000missing/message', {
          payload: { message: 'hello?' },
        });
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ msg_id: 'CONVERSATION$NOT_FOUND' });
        expect(await app.eventStore.count('0000missing')).toBe(0);
      });
    });
  });
}
