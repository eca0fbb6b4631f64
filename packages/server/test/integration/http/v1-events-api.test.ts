import { afterEach, describe, expect, it } from 'vitest';
import { eventTypeName, projectV1Event, v1EventSchema, v1HistoryTypeNames } from '@parley/protocol';
import type { App } from '../../../src/app.js';
import type { NewEvent } from '../../../src/events/event-store.js';
import {
  agentStateChanged,
  errorObservation,
  messageAction,
  nullObservation,
  runAction,
} from '../../support/event-fixtures.js';
import { HeaderUserAuth, testUserHeader } from '../../support/header-user-auth.js';
import {
  createConversation,
  createTestApi,
  request,
  type TestApi,
  type TestApiOptions,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

interface V1Page {
  items: Record<string, unknown>[];
  next_page_id: string | null;
}

const delta = (content: string) =>
  ({ source: 'agent', streaming_delta: { content } }) as unknown as NewEvent;

const runObservation = (cause: number, output: string) =>
  ({
    source: 'agent',
    cause,
    observation: 'run',
    content: output,
    extras: { command: 'ls', metadata: { exit_code: 0 } },
    success: true,
  }) as unknown as NewEvent;

/** What `mixedConversation` built: its id and the V1 history ids, in log order, with their kinds. */
interface MixedConversation {
  id: string;
  /** The first id of the events the test appended (after the ones creation wrote). */
  base: number;
  historyIds: string[];
  kinds: string[];
}

/**
 * A conversation as creation leaves it (its agent-state events, whatever the agent loops write), then
 * by offset from `base`: 0 user message · 1 null observation · 2 run · 3 delta · 4 run observation ·
 * 5 recall · 6 change_agent_state · 7 error · 8 agent message · 9 running. The appended events in
 * the V1 history are offsets 0, 2, 4, 7, 8 and 9; the delta is there only by kind.
 */
async function mixedConversation(
  app: App,
  headers: Record<string, string> = {},
): Promise<MixedConversation> {
  const id = await createConversation(app, {}, headers);
  const created = (await app.eventStore.search(id)).events;
  const base = created.length;
  const stored = await app.eventStreams.get(id).append([
    messageAction('hello there'),
    nullObservation(),
    runAction('ls'),
    delta('Thin'),
    runObservation(base + 2, 'a.txt'),
    { source: 'agent', action: 'recall', args: { query: 'hello' } } as unknown as NewEvent,
    {
      source: 'user',
      action: 'change_agent_state',
      args: { agent_state: 'paused' },
    } as unknown as NewEvent,
    errorObservation('it broke'),
    messageAction('Here you go', 'agent'),
    agentStateChanged('running'),
  ]);
  expect(stored[0]?.id).toBe(base);
  const history = [...created, ...stored].filter((event) => {
    const name = eventTypeName(event);
    return name !== undefined && v1HistoryTypeNames.includes(name);
  });
  return {
    id,
    base,
    historyIds: history.map((event) => String(event.id)),
    kinds: history.map((event) => projectV1Event(event)?.kind ?? 'none'),
  };
}

const itemIds = (body: unknown) => (body as V1Page).items.map((item) => item['id']);

/** `GET /api/v1/events/count` and `/api/v1/events/search` (reference §5.3, §3.3). */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`V1 events API on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    afterEach(async () => {
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start(options: TestApiOptions = {}): Promise<App> {
      const api = await createTestApi(backend, { ...options, agentLoops: 'log-only' });
      apis.push(api);
      return api.app;
    }

    const count = async (app: App, query: string, headers: Record<string, string> = {}) =>
      request(app, 'GET', `/api/v1/events/count?${query}`, { headers });
    const search = async (app: App, query: string, headers: Record<string, string> = {}) =>
      request(app, 'GET', `/api/v1/events/search?${query}`, { headers });

    describe('GET /api/v1/events/count', () => {
      it('answers a bare integer: the V1 history size', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const response = await count(app, `conversation_id__eq=${id}`);
        expect(response.status).toBe(200);
        expect(response.text).toBe(String(mixed.historyIds.length));
        expect(response.body).toBe(mixed.historyIds.length);
      });

      it('a fresh conversation counts the events its creation wrote', async () => {
        const app = await start();
        const id = await createConversation(app);
        const created = (await app.eventStore.search(id)).events;
        const shown = created.filter((event) => v1HistoryTypeNames.includes(eventTypeName(event)!));
        expect(shown.length).toBeGreaterThan(0);
        expect((await count(app, `conversation_id__eq=${id}`)).body).toBe(shown.length);
      });

      it.each([
        ['MessageEvent', 2],
        ['ActionEvent', 1],
        ['ObservationEvent', 1],
        ['AgentErrorEvent', 1],
        ['ConversationStateUpdateEvent', 1],
        ['StreamingDeltaEvent', 1],
        ['SystemPromptEvent', 0],
        ['NoSuchKind', 0],
        ['toString', 0],
      ])('kind__eq=%s counts %i of the appended events, plus creation’s', async (kind, mine) => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const fromCreation = mixed.kinds.filter(
          (found, index) => found === kind && Number(mixed.historyIds[index]) < mixed.base,
        ).length;
        const response = await count(app, `conversation_id__eq=${mixed.id}&kind__eq=${kind}`);
        expect(response.status).toBe(200);
        expect(response.body).toBe(mine + fromCreation);
      });

      it('a missing conversation counts 0', async () => {
        const app = await start();
        const response = await count(app, 'conversation_id__eq=0000missing');
        expect(response.status).toBe(200);
        expect(response.body).toBe(0);
      });

      it('another user’s conversation counts 0, its owner sees the real size', async () => {
        const app = await start({ userAuth: new HeaderUserAuth() });
        const mixed = await mixedConversation(app, { [testUserHeader]: 'alice' });
        const id = mixed.id;
        const query = `conversation_id__eq=${id}`;
        expect((await count(app, query, { [testUserHeader]: 'alice' })).body).toBe(
          mixed.historyIds.length,
        );
        expect((await count(app, query, { [testUserHeader]: 'mallory' })).body).toBe(0);
      });

      it('without conversation_id__eq: 422', async () => {
        const app = await start();
        const response = await count(app, 'kind__eq=MessageEvent');
        expect(response.status).toBe(422);
        expect(response.body).toMatchObject({ status: 'error', code: 'REQUEST_INVALID' });
      });

      it('an invalid conversation id: 400, as on the V0 routes', async () => {
        const app = await start();
        const response = await count(app, `conversation_id__eq=${'x'.repeat(101)}`);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ message: 'Conversation ID is too long' });
      });
    });

    describe('GET /api/v1/events/search', () => {
      it('pages the history as V1 frames, oldest first, 100 by default', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const response = await search(app, `conversation_id__eq=${id}`);
        expect(response.status).toBe(200);
        const page = response.body as V1Page;
        expect(itemIds(page)).toEqual(mixed.historyIds);
        expect(page.next_page_id).toBeNull();
        for (const item of page.items) expect(v1EventSchema.parse(item)).toEqual(item);
        expect(page.items.map((item) => item['kind'])).toEqual(mixed.kinds);
        const appended = page.items.filter((item) => Number(item['id']) >= mixed.base);
        expect(appended.map((item) => [Number(item['id']) - mixed.base, item['kind']])).toEqual([
          [0, 'MessageEvent'],
          [2, 'ActionEvent'],
          [4, 'ObservationEvent'],
          [7, 'AgentErrorEvent'],
          [8, 'MessageEvent'],
          [9, 'ConversationStateUpdateEvent'],
        ]);
      });

      it('each item is the projection of the stored event', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const page = (await search(app, `conversation_id__eq=${id}`)).body as V1Page;
        for (const item of page.items) {
          const stored = await app.eventStore.get(id, Number(item['id']));
          expect(stored).toBeDefined();
          expect(item).toEqual(projectV1Event(stored!));
        }
        const at = (offset: number) =>
          page.items.find((item) => item['id'] === String(mixed.base + offset));
        expect(at(4)).toMatchObject({
          kind: 'ObservationEvent',
          source: 'environment',
          action_id: String(mixed.base + 2),
          observation: { kind: 'ExecuteBashObservation', output: 'a.txt', exit_code: 0 },
        });
        expect(at(9)).toMatchObject({ key: 'execution_status', value: 'running' });
      });

      it('walks the history with next_page_id in both orders', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const walk = async (order: string) => {
          const seen: unknown[] = [];
          let pageId: string | null = null;
          for (let round = 0; round < 10; round += 1) {
            const query: string = `conversation_id__eq=${id}&limit=3&sort_order=${order}${
              pageId === null ? '' : `&page_id=${pageId}`
            }`;
            const page = (await search(app, query)).body as V1Page;
            expect(page.items.length).toBeLessThanOrEqual(3);
            seen.push(...itemIds(page));
            pageId = page.next_page_id;
            if (pageId === null) break;
          }
          expect(pageId).toBeNull();
          return seen;
        };
        expect(await walk('TIMESTAMP')).toEqual(mixed.historyIds);
        expect(await walk('TIMESTAMP_DESC')).toEqual([...mixed.historyIds].reverse());
      });

      it('a page that ends exactly at the last event has no next page', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const full = await search(
          app,
          `conversation_id__eq=${id}&limit=${mixed.historyIds.length}`,
        );
        expect(itemIds(full.body)).toEqual(mixed.historyIds);
        expect((full.body as V1Page).next_page_id).toBeNull();
        const short = await search(
          app,
          `conversation_id__eq=${id}&limit=${mixed.historyIds.length - 1}`,
        );
        expect((short.body as V1Page).next_page_id).not.toBeNull();
      });

      it('filters by kind, and returns streaming deltas only when asked', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const byKind = async (kind: string) =>
          (await search(app, `conversation_id__eq=${id}&kind__eq=${kind}`)).body as V1Page;
        const ofKind = (kind: string) =>
          mixed.historyIds.filter((_, index) => mixed.kinds[index] === kind);
        const appended = (...offsets: number[]) =>
          offsets.map((offset) => String(mixed.base + offset));
        expect(itemIds(await byKind('MessageEvent'))).toEqual(ofKind('MessageEvent'));
        expect(itemIds(await byKind('MessageEvent')).slice(-2)).toEqual(appended(0, 8));
        expect(itemIds(await byKind('AgentErrorEvent'))).toEqual(appended(7));
        expect(itemIds(await byKind('ActionEvent'))).toEqual(appended(2));
        const deltas = await byKind('StreamingDeltaEvent');
        expect(deltas.items).toEqual([
          expect.objectContaining({
            kind: 'StreamingDeltaEvent',
            id: appended(3)[0],
            content: 'Thin',
          }),
        ]);
        expect(await byKind('Bogus')).toEqual({ items: [], next_page_id: null });
      });

      it('filters by timestamp: gte inclusive, lt exclusive, below the millisecond too', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const all = ((await search(app, `conversation_id__eq=${id}`)).body as V1Page).items;
        const stamps = all.map((item) => String(item['timestamp']));
        const within = (from: number, before: number) =>
          all
            .filter((item) => {
              const at = Date.parse(String(item['timestamp']));
              return at >= from && at < before;
            })
            .map((item) => item['id']);
        const query = async (bounds: string) =>
          itemIds((await search(app, `conversation_id__eq=${id}&${bounds}`)).body);

        const from = stamps[2]!;
        const before = stamps[5]!;
        expect(
          await query(`timestamp__gte=${encodeURIComponent(from)}&timestamp__lt=${before}`),
        ).toEqual(within(Date.parse(from), Date.parse(before)));
        expect(await query(`timestamp__lt=${encodeURIComponent(stamps[0]!)}`)).toEqual([]);
        expect(await query(`timestamp__gte=${encodeURIComponent(stamps[0]!)}`)).toEqual(
          mixed.historyIds,
        );
        // 0.4 ms after the stored millisecond: that millisecond is before it, not at or after it.
        const later = stamps[3]!.replace('Z', '4Z');
        expect(await query(`timestamp__lt=${later}`)).toEqual(
          within(0, Date.parse(stamps[3]!) + 1),
        );
        expect(await query(`timestamp__gte=${later}`)).toEqual(
          within(Date.parse(stamps[3]!) + 1, Number.MAX_SAFE_INTEGER),
        );
        // The same instant written without an offset is read as UTC.
        expect(await query(`timestamp__gte=${stamps[4]!.replace('Z', '')}`)).toEqual(
          within(Date.parse(stamps[4]!), Number.MAX_SAFE_INTEGER),
        );
        expect(await query(`timestamp__gte=${before}&timestamp__lt=${from}`)).toEqual([]);
        const counted = await count(
          app,
          `conversation_id__eq=${id}&timestamp__gte=${from}&timestamp__lt=${before}`,
        );
        expect(counted.body).toBe(within(Date.parse(from), Date.parse(before)).length);
      });

      it('a missing or foreign conversation: an empty page', async () => {
        const app = await start({ userAuth: new HeaderUserAuth() });
        const mixed = await mixedConversation(app, { [testUserHeader]: 'alice' });
        const id = mixed.id;
        const empty = { items: [], next_page_id: null };
        const foreign = await search(app, `conversation_id__eq=${id}`, {
          [testUserHeader]: 'mallory',
        });
        expect(foreign.status).toBe(200);
        expect(foreign.body).toEqual(empty);
        expect(foreign.text).not.toContain('hello there');
        const missing = await search(app, 'conversation_id__eq=0000missing');
        expect(missing.body).toEqual(empty);
      });

      it('a page_id past the end: an empty page', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        const response = await search(app, `conversation_id__eq=${id}&page_id=500`);
        expect(response.body).toEqual({ items: [], next_page_id: null });
      });

      it('refuses malformed query values with 422', async () => {
        const app = await start();
        const mixed = await mixedConversation(app);
        const id = mixed.id;
        for (const bad of [
          'limit=0',
          'limit=101',
          'limit=ten',
          'sort_order=NEWEST',
          'page_id=-1',
          'page_id=abc',
          'timestamp__gte=yesterday',
          'timestamp__lt=2025-13-45T00:00:00Z',
        ]) {
          const response = await search(app, `conversation_id__eq=${id}&${bad}`);
          expect({ bad, status: response.status }).toEqual({ bad, status: 422 });
        }
        expect((await search(app, `conversation_id__eq=${id}&limit=100`)).status).toBe(200);
        expect((await search(app, `conversation_id__eq=${id}&limit=1`)).status).toBe(200);
      });
    });
  });
}
