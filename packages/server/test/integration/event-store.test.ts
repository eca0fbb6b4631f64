import { serializeEvent } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent, StoredEvent } from '../../src/events/event-store.js';
import { SqlEventStore } from '../../src/events/sql-event-store.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import {
  agentStateChanged,
  errorObservation,
  messageAction,
  nullObservation,
  runAction,
} from '../support/event-fixtures.js';
import { testDatabaseBackends, type TestDatabase } from '../support/test-databases.js';

const backends = await testDatabaseBackends();

const ids = (events: readonly StoredEvent[]) => events.map((event) => event.id);
const contents = (events: readonly StoredEvent[]) =>
  events.map((event) =>
    'args' in event ? (event.args as { content?: string }).content : undefined,
  );

for (const backend of backends) {
  describe.skipIf(!backend.available)(`event store on ${backend.name}`, () => {
    let testDatabase: TestDatabase;
    let store: SqlEventStore;
    const extraStores: EventStore[] = [];

    beforeEach(async () => {
      testDatabase = await backend.create();
      store = new SqlEventStore({ database: testDatabase.database, logger: createSilentLogger() });
    });
    afterEach(async () => {
      for (const extra of extraStores.splice(0)) await extra.close();
      await store.close();
      await testDatabase.cleanup();
    });

    describe('append', () => {
      it('stores the exact upstream JSON shape and assigns ids from 0', async () => {
        const [stored] = await store.append('conversation-1', [nullObservation()]);
        expect(stored?.id).toBe(0);
        expect(stored?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        const rows = await testDatabase.database.kysely.selectFrom('events').selectAll().execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]?.payload).toBe(
          `{"id":0,"timestamp":"${stored?.timestamp}","source":"agent","message":"No observation","observation":"null","content":"","extras":{}}`,
        );
        expect(rows[0]).toMatchObject({
          kind: 'observation',
          type: 'null',
          source: 'agent',
          hidden: 0,
        });
      });

      it('numbers each conversation separately, gap-free, in call order', async () => {
        const first = await store.append('a', [messageAction('one'), messageAction('two')]);
        const second = await store.append('b', [messageAction('other')]);
        const third = await store.append('a', [messageAction('three')]);
        expect(ids(first)).toEqual([0, 1]);
        expect(ids(second)).toEqual([0]);
        expect(ids(third)).toEqual([2]);
        expect(await store.latestId('a')).toBe(2);
        expect(await store.latestId('b')).toBe(0);
        expect(await store.latestId('never-written')).toBe(-1);
      });

      it('group-commits concurrent appends and keeps every conversation contiguous', async () => {
        const conversations = Array.from({ length: 20 }, (_, index) => `conversation-${index}`);
        const results = await Promise.all(
          conversations.flatMap((conversationId) =>
            Array.from({ length: 25 }, (_, index) =>
              store.append(conversationId, [messageAction(`${conversationId} #${index}`)]),
            ),
          ),
        );
        expect(results.flat()).toHaveLength(500);
        for (const conversationId of conversations) {
          const { events } = await store.search(conversationId);
          expect(ids(events)).toEqual(Array.from({ length: 25 }, (_, index) => index));
          // Appends issued in order by one caller land in that order.
          expect(contents(events)).toEqual(
            Array.from({ length: 25 }, (_, index) => `${conversationId} #${index}`),
          );
        }
      });

      it('resolves only after commit: a second connection already sees the events', async () => {
        const other = await testDatabase.reopen();
        const otherStore = new SqlEventStore({ database: other, logger: createSilentLogger() });
        extraStores.push(otherStore);
        const committed: number[] = [];
        store.onCommit((_conversationId, events) => committed.push(...ids(events)));
        const appended = await store.append('c', [messageAction('durable')]);
        expect(committed).toEqual([0]);
        const seen = await otherStore.get('c', appended[0]?.id ?? -1);
        expect(seen).toMatchObject({ id: 0, action: 'message', args: { content: 'durable' } });
      });

      it('tells commit listeners in id order before the append resolves', async () => {
        const heard: string[] = [];
        store.onCommit((conversationId, events) =>
          heard.push(`${conversationId}:${ids(events).join(',')}`),
        );
        const pending = [
          store.append('x', [messageAction('1'), messageAction('2')]),
          store.append('y', [messageAction('1')]),
          store.append('x', [messageAction('3')]),
        ];
        const heardWhenFirstResolved = await pending[0]?.then(() => heard.length);
        expect(heardWhenFirstResolved).toBeGreaterThan(0);
        await Promise.all(pending);
        expect(heard).toEqual(['x:0,1', 'y:0', 'x:2']);
      });

      it('a throwing commit listener does not fail the append', async () => {
        store.onCommit(() => {
          throw new Error('listener bug');
        });
        await expect(store.append('z', [messageAction('fine')])).resolves.toHaveLength(1);
      });

      it('refuses an event that already has an id, writing nothing', async () => {
        const event = { ...messageAction('again'), id: 7 } as NewEvent;
        await expect(store.append('d', [messageAction('ok'), event])).rejects.toMatchObject({
          code: 'EVENT_ALREADY_HAS_ID',
        });
        expect(await store.latestId('d')).toBe(-1);
      });

      it('returns at once for an empty list', async () => {
        await expect(store.append('e', [])).resolves.toEqual([]);
        expect(await store.latestId('e')).toBe(-1);
      });

      it('an abort before the write rejects and writes nothing', async () => {
        const controller = new AbortController();
        controller.abort(new Error('user left'));
        await expect(
          store.append('f', [messageAction('never')], { signal: controller.signal }),
        ).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });

        const late = new AbortController();
        const pending = store.append('f', [messageAction('queued then aborted')], {
          signal: late.signal,
        });
        late.abort();
        await expect(pending).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
        await store.flush();
        expect(await store.latestId('f')).toBe(-1);
        // The id was not consumed: the next append still gets 0.
        expect(ids(await store.append('f', [messageAction('first')]))).toEqual([0]);
      });

      it('re-reads the head when another writer moved it, and never leaves a gap', async () => {
        await store.append('g', [messageAction('0')]);
        // Another writer takes id 1 behind this store's back.
        const payload =
          '{"id":1,"timestamp":"2025-01-01T00:00:00.000Z","source":"user","action":"null","args":{}}';
        await testDatabase.database.kysely
          .insertInto('events')
          .values({
            conversation_id: 'g',
            id: 1,
            timestamp: '2025-01-01T00:00:00.000Z',
            source: 'user',
            kind: 'action',
            type: 'null',
            hidden: 0,
            payload,
          })
          .execute();
        const [clashing, unrelated] = await Promise.all([
          store.append('g', [messageAction('clashes')]),
          store.append('h', [messageAction('innocent')]),
        ]);
        // The batch failed on the duplicate key; each append was retried alone after re-reading heads.
        expect(ids(clashing)).toEqual([2]);
        expect(ids(unrelated)).toEqual([0]);
        expect(ids((await store.search('g')).events)).toEqual([0, 1, 2]);
      });

      it('a lone append recovers when another writer moved the conversation on', async () => {
        await store.append('lone', [messageAction('0')]);
        const other = new SqlEventStore({
          database: testDatabase.database,
          logger: createSilentLogger(),
        });
        extraStores.push(other);
        expect(ids(await other.append('lone', [messageAction('from the other writer')]))).toEqual([
          1,
        ]);
        expect(ids(await store.append('lone', [messageAction('mine')]))).toEqual([2]);
      });

      it('orders a delete between appends: earlier ones are deleted, later ones start at 0', async () => {
        await store.append('del', [messageAction('old')]);
        const before = store.append('del', [messageAction('submitted before the delete')]);
        const deleted = store.deleteConversation('del');
        const after = store.append('del', [messageAction('submitted after the delete')]);
        expect(ids(await before)).toEqual([1]);
        expect(await deleted).toBe(2);
        expect(ids(await after)).toEqual([0]);
        expect(contents((await store.search('del')).events)).toEqual([
          'submitted after the delete',
        ]);
      });

      it('never stamps a later commit earlier, even when the clock steps back', async () => {
        const times = [
          '2025-06-01T10:00:00.000Z',
          '2025-06-01T09:00:00.000Z',
          '2025-06-01T11:00:00.000Z',
        ];
        const clocked = new SqlEventStore({
          database: testDatabase.database,
          logger: createSilentLogger(),
          now: () => new Date(times.shift() ?? '2030-01-01T00:00:00.000Z'),
        });
        extraStores.push(clocked);
        const stamps: string[] = [];
        for (const label of ['a', 'b', 'c']) {
          const [event] = await clocked.append('clock', [messageAction(label)]);
          stamps.push(event?.timestamp ?? '');
        }
        expect(stamps).toEqual([
          '2025-06-01T10:00:00.000Z',
          '2025-06-01T10:00:00.000Z',
          '2025-06-01T11:00:00.000Z',
        ]);
      });

      it('refuses appends after close but commits what it accepted before', async () => {
        const accepted = store.append('i', [messageAction('before close')]);
        await store.close();
        await expect(accepted).resolves.toHaveLength(1);
        await expect(store.append('i', [messageAction('after close')])).rejects.toMatchObject({
          code: 'STORE_CLOSED',
        });
      });

      it('sees old events after a restart (rehydration) and continues their ids', async () => {
        await store.append('r', [messageAction('before'), messageAction('restart')]);
        await store.close();
        const reopened = await testDatabase.reopen();
        const again = new SqlEventStore({ database: reopened, logger: createSilentLogger() });
        extraStores.push(again);
        expect(contents((await again.search('r')).events)).toEqual(['before', 'restart']);
        expect((await again.search('other')).events).toEqual([]);
        expect(ids(await again.append('r', [messageAction('after')]))).toEqual([2]);
      });
    });

    describe('search', () => {
      const conversationId = 'search';
      beforeEach(async () => {
        // Ten events test0 … test9; even ids from the agent, odd from the user.
        await store.append(
          conversationId,
          Array.from({ length: 10 }, (_, index) =>
            messageAction(`test${index}`, index % 2 === 0 ? 'agent' : 'user'),
          ),
        );
      });

      it('returns everything without a limit, in id order', async () => {
        const { events, hasMore } = await store.search(conversationId);
        expect(ids(events)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(hasMore).toBe(false);
      });

      it('applies limit, start and reverse as upstream', async () => {
        expect(ids((await store.search(conversationId, { limit: 5 })).events)).toEqual([
          0, 1, 2, 3, 4,
        ]);
        expect(ids((await store.search(conversationId, { startId: 5, limit: 3 })).events)).toEqual([
          5, 6, 7,
        ]);
        expect(
          contents((await store.search(conversationId, { reverse: true, limit: 4 })).events),
        ).toEqual(['test9', 'test8', 'test7', 'test6']);
        expect(ids((await store.search(conversationId, { limit: 10 })).events)).toHaveLength(10);
        expect(ids((await store.search(conversationId, { limit: 50 })).events)).toHaveLength(10);
      });

      it('treats endId as inclusive, forwards and reversed', async () => {
        expect(ids((await store.search(conversationId, { startId: 3, endId: 7 })).events)).toEqual([
          3, 4, 5, 6, 7,
        ]);
        expect(
          ids((await store.search(conversationId, { startId: 3, endId: 7, reverse: true })).events),
        ).toEqual([7, 6, 5, 4, 3]);
        expect(ids((await store.search(conversationId, { startId: 3, endId: 12 })).events)).toEqual(
          [3, 4, 5, 6, 7, 8, 9],
        );
        expect((await store.search(conversationId, { startId: 8, endId: 2 })).events).toEqual([]);
        expect((await store.search(conversationId, { startId: 40 })).events).toEqual([]);
      });

      it('reports hasMore when a limit cuts the result', async () => {
        expect(await store.search(conversationId, { limit: 9 })).toMatchObject({ hasMore: true });
        expect(await store.search(conversationId, { limit: 10 })).toMatchObject({ hasMore: false });
        expect(await store.search(conversationId, { startId: 8, limit: 2 })).toMatchObject({
          hasMore: false,
        });
        expect(await store.search(conversationId, { reverse: true, limit: 3 })).toMatchObject({
          hasMore: true,
        });
      });

      it('filters before counting toward the limit', async () => {
        const agentOnly = await store.search(conversationId, {
          filter: { source: 'agent' },
          limit: 3,
        });
        expect(ids(agentOnly.events)).toEqual([0, 2, 4]);
        expect(agentOnly.hasMore).toBe(true);
        const reversed = await store.search(conversationId, {
          filter: { source: 'agent' },
          reverse: true,
          limit: 2,
        });
        expect(ids(reversed.events)).toEqual([8, 6]);
      });

      it('retrieves a partial range reversed, as upstream (start 3, end 12)', async () => {
        expect(
          ids(
            (await store.search(conversationId, { startId: 3, endId: 12, reverse: true })).events,
          ),
        ).toEqual([9, 8, 7, 6, 5, 4, 3]);
      });

      it('rejects a limit that is not a positive integer', async () => {
        for (const limit of [0, -1, 1.5, Number.NaN]) {
          await expect(store.search(conversationId, { limit })).rejects.toMatchObject({
            code: 'EVENT_FILTER_INVALID',
          });
        }
        await expect(store.search(conversationId, { startId: -2 })).rejects.toMatchObject({
          code: 'EVENT_FILTER_INVALID',
        });
      });

      it('pages through with small pages and yields the same sequence', async () => {
        const seen: number[] = [];
        for await (const event of store.iterate(conversationId, { pageSize: 3 }))
          seen.push(event.id);
        expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        const backwards: number[] = [];
        for await (const event of store.iterate(conversationId, {
          pageSize: 4,
          reverse: true,
          startId: 2,
        })) {
          backwards.push(event.id);
        }
        expect(backwards).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
      });

      it('hands out whole pages with iteratePages, and ending an iteration early ends its reads', async () => {
        const pages: number[][] = [];
        for await (const page of store.iteratePages(conversationId, { pageSize: 4, startId: 1 })) {
          pages.push(page.events.map((event) => event.id));
          // The stored JSON of each event is its wire form, as a replay sends it unparsed.
          expect(page.payloads).toEqual(
            page.events.map((event) => JSON.stringify(serializeEvent(event))),
          );
        }
        expect(pages).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
        const iterator = store.iterate(conversationId, { pageSize: 3 })[Symbol.asyncIterator]();
        const first = await iterator.next();
        expect(first).toMatchObject({ done: false, value: { id: 0 } });
        expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
      });

      it('measures a page by count and stored bytes without reading it; a range read ends at its end id', async () => {
        const sized = 'sized';
        await store.append(sized, [
          messageAction('é'.repeat(100)),
          messageAction('b'),
          messageAction('x'.repeat(5_000)),
          messageAction('c'),
        ]);
        const payloadBytes: number[] = [];
        for await (const page of store.iteratePages(sized)) {
          for (const payload of page.payloads) payloadBytes.push(Buffer.byteLength(payload));
        }
        const [first = 0, second = 0, big = 0, last = 0] = payloadBytes;
        const measure = (startId: number, maxEvents: number, maxBytes: number) =>
          store.measurePage(sized, { startId, maxEvents, maxBytes });
        expect(await measure(0, 10, first + second)).toEqual({
          endId: 1,
          count: 2,
          bytes: first + second,
          reachedEnd: false,
        });
        // One event bigger than the limit is a page of its own.
        expect(await measure(2, 10, 100)).toEqual({
          endId: 2,
          count: 1,
          bytes: big,
          reachedEnd: false,
        });
        expect(await measure(3, 10, 100_000)).toEqual({
          endId: 3,
          count: 1,
          bytes: last,
          reachedEnd: true,
        });
        expect(await measure(0, 4, 100_000)).toMatchObject({
          endId: 3,
          count: 4,
          reachedEnd: false,
        });
        expect(await measure(4, 10, 100)).toEqual({
          endId: 3,
          count: 0,
          bytes: 0,
          reachedEnd: true,
        });
        const pages: number[][] = [];
        for await (const page of store.iteratePages(sized, { startId: 0, endId: 1, pageSize: 2 })) {
          pages.push(page.events.map((event) => event.id));
        }
        expect(pages).toEqual([[0, 1]]);
      });

      it('hands out each page with the stored JSON of its events, their wire form', async () => {
        const mixed = 'mixed-kinds';
        await store.append(mixed, [
          messageAction('Quotes " and \\ and unicode é ✓ \u2028', 'user'),
          runAction('ls -la'),
          nullObservation(),
          agentStateChanged('running'),
          errorObservation('Boom'),
          { source: 'agent', cause: 0, streaming_delta: { content: 'partial' } },
        ]);
        for await (const page of store.iteratePages(mixed, { pageSize: 4 })) {
          expect(page.payloads).toEqual(
            page.events.map((event) => JSON.stringify(serializeEvent(event))),
          );
        }
      });

      it('stops iterating when its signal aborts', async () => {
        const controller = new AbortController();
        const seen: number[] = [];
        await expect(
          (async () => {
            for await (const event of store.iterate(conversationId, {
              pageSize: 2,
              signal: controller.signal,
            })) {
              seen.push(event.id);
              if (event.id === 2) controller.abort();
            }
          })(),
        ).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
        expect(seen).toEqual([0, 1, 2, 3]);
      });
    });

    describe('filters', () => {
      const conversationId = 'filters';
      beforeEach(async () => {
        await store.append(conversationId, [
          messageAction('Hello there', 'user'), // 0
          agentStateChanged('running'), // 1
          messageAction('hello back', 'agent'), // 2
          runAction('ls -la'), // 3
          runAction('secret setup', { hidden: true }), // 4
          errorObservation('Something failed'), // 5
          messageAction('HELLO again, Ünïcode ÄÖ', 'agent'), // 6
          nullObservation(), // 7
        ]);
      });
      const search = async (filter: object, extra: object = {}) =>
        ids((await store.search(conversationId, { filter, ...extra })).events);

      it('matches a query case-insensitively in the event JSON', async () => {
        expect(await search({ query: 'hello' })).toEqual([0, 2, 6]);
        expect(await search({ query: 'HeLLo' })).toEqual([0, 2, 6]);
        expect(await search({ query: '"action":"run"' })).toEqual([3, 4]);
        expect(await search({ query: 'nothing like this' })).toEqual([]);
      });

      it('matches non-ASCII queries with Unicode case folding', async () => {
        expect(await search({ query: 'üNÏCODE äö' })).toEqual([6]);
      });

      it('treats query characters literally (no SQL wildcards)', async () => {
        expect(await search({ query: '%' })).toEqual([]);
        expect(await search({ query: '_' })).toEqual([0, 1, 2, 3, 4, 5, 6]);
      });

      it('includes and excludes by upstream class name', async () => {
        expect(await search({ includeTypes: ['MessageAction'] })).toEqual([0, 2, 6]);
        expect(await search({ includeTypes: ['CmdRunAction', 'ErrorObservation'] })).toEqual([
          3, 4, 5,
        ]);
        expect(await search({ excludeTypes: ['MessageAction', 'NullObservation'] })).toEqual([
          1, 3, 4, 5,
        ]);
        expect(
          await search({ includeTypes: ['MessageAction'], excludeTypes: ['MessageAction'] }),
        ).toEqual([]);
      });

      it('filters by source, hidden and date', async () => {
        expect(await search({ source: 'user' })).toEqual([0]);
        expect(await search({ source: 'environment' })).toEqual([1]);
        expect(await search({ excludeHidden: true })).toEqual([0, 1, 2, 3, 5, 6, 7]);
        const [first] = (await store.search(conversationId, { limit: 1 })).events;
        expect(await search({ startDate: first?.timestamp })).toHaveLength(8);
        expect(await search({ endDate: '2000-01-01T00:00:00Z' })).toEqual([]);
        expect(await search({ startDate: '2999-01-01T00:00:00Z' })).toEqual([]);
      });

      it('compares dates as instants: no milliseconds, offsets and plain dates all work', async () => {
        const dated = new SqlEventStore({
          database: testDatabase.database,
          logger: createSilentLogger(),
          now: () => new Date('2025-01-01T10:00:00.500Z'),
        });
        extraStores.push(dated);
        await dated.append('dated', [messageAction('at half past ten seconds')]);
        const search = async (filter: object) =>
          ids((await dated.search('dated', { filter })).events);
        expect(await search({ endDate: '2025-01-01T10:00:00Z' })).toEqual([]);
        expect(await search({ endDate: '2025-01-01T10:00:01Z' })).toEqual([0]);
        expect(await search({ startDate: '2025-01-01T11:00:00+02:00' })).toEqual([0]);
        expect(await search({ startDate: '2025-01-01T10:00:01+00:00' })).toEqual([]);
        expect(await search({ startDate: '2025-01-01', endDate: '2025-01-02' })).toEqual([0]);
        await expect(search({ startDate: 'March 7' })).rejects.toMatchObject({
          code: 'EVENT_FILTER_INVALID',
        });
      });

      it('an event without a source never matches a source filter', async () => {
        await store.append('sourceless', [
          { action: 'null', args: {} } as NewEvent,
          messageAction('with source'),
        ]);
        expect(
          ids((await store.search('sourceless', { filter: { source: 'user' } })).events),
        ).toEqual([1]);
        expect(ids((await store.search('sourceless')).events)).toEqual([0, 1]);
      });

      it('ANDs every criterion and counts with the same filter', async () => {
        expect(
          await search({ query: 'hello', source: 'agent', includeTypes: ['MessageAction'] }),
        ).toEqual([2, 6]);
        expect(
          await search({ query: 'hello', source: 'agent' }, { reverse: true, limit: 1 }),
        ).toEqual([6]);
        expect(await store.count(conversationId, { query: 'hello', source: 'agent' })).toBe(2);
        expect(await store.count(conversationId, { query: 'ünïcode' })).toBe(1);
        expect(await store.count(conversationId)).toBe(8);
        expect(await store.count('nobody')).toBe(0);
      });

      it('rejects a malformed filter with a clear error naming the field', async () => {
        await expect(search({ includeTypes: ['NoSuchAction'] })).rejects.toThrow(
          /includeTypes.*NoSuchAction/,
        );
        await expect(search({ source: 'robot' })).rejects.toMatchObject({
          code: 'EVENT_FILTER_INVALID',
        });
        await expect(search({ startDate: 'yesterday' })).rejects.toThrow(/startDate/);
      });
    });

    describe('a conversation of 100,000 events', () => {
      it('serves pages, filters and counts from any point', async () => {
        const total = 100_000;
        for (let start = 0; start < total; start += 2_000) {
          await store.append(
            'big',
            Array.from({ length: 2_000 }, (_, index) =>
              (start + index) % 1000 === 0
                ? runAction(`marker ${start + index}`)
                : messageAction(`m${start + index}`),
            ),
          );
        }
        expect(await store.latestId('big')).toBe(total - 1);
        const middle = await store.search('big', { startId: 50_000, limit: 20 });
        expect(ids(middle.events)).toEqual(
          Array.from({ length: 20 }, (_, index) => 50_000 + index),
        );
        expect(middle.hasMore).toBe(true);
        const newest = await store.search('big', { reverse: true, limit: 3 });
        expect(ids(newest.events)).toEqual([99_999, 99_998, 99_997]);
        const markers = await store.search('big', {
          filter: { includeTypes: ['CmdRunAction'] },
          startId: 10_500,
          limit: 2,
        });
        expect(ids(markers.events)).toEqual([11_000, 12_000]);
        expect(await store.count('big', { includeTypes: ['CmdRunAction'] })).toBe(100);
      }, 120_000);
    });

    describe('get, delete', () => {
      it('gets one event or undefined', async () => {
        await store.append('k', [messageAction('zero'), messageAction('one')]);
        expect(await store.get('k', 1)).toMatchObject({ id: 1, args: { content: 'one' } });
        expect(await store.get('k', 2)).toBeUndefined();
        expect(await store.get('k', -1)).toBeUndefined();
        expect(await store.get('other', 0)).toBeUndefined();
      });

      it('deletes one conversation and restarts its ids', async () => {
        await store.append('m', [messageAction('a'), messageAction('b')]);
        await store.append('n', [messageAction('kept')]);
        expect(await store.deleteConversation('m')).toBe(2);
        expect(await store.latestId('m')).toBe(-1);
        expect(await store.latestId('n')).toBe(0);
        expect(ids(await store.append('m', [messageAction('fresh')]))).toEqual([0]);
      });
    });
  });
}
