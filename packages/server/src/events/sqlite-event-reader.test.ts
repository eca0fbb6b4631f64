import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageAction } from '../../test/support/event-fixtures.js';
import { testDatabaseBackends, type TestDatabase } from '../../test/support/test-databases.js';
import { createSilentLogger } from '../shared/logger.js';
import type { NewEvent, StoredEvent } from './event-store.js';
import { SqlEventStore } from './sql-event-store.js';

const backends = await testDatabaseBackends();

function delta(content: string): NewEvent {
  return { source: 'agent', streaming_delta: { content } } as NewEvent;
}

const ids = (events: readonly StoredEvent[]) => events.map((event) => event.id);

// The REST events page (`excludeTypes: ['StreamingDelta']`) reads through prepared statements on
// SQLite and through Kysely elsewhere; both must return the same pages.
for (const backend of backends) {
  describe.skipIf(!backend.available)(`pages without streaming deltas on ${backend.name}`, () => {
    let testDatabase: TestDatabase;
    let store: SqlEventStore;
    const withoutDeltas = { excludeTypes: ['StreamingDelta'] };

    beforeEach(async () => {
      testDatabase = await backend.create();
      store = new SqlEventStore({ database: testDatabase.database, logger: createSilentLogger() });
      // ids 0–9: messages at even ids, deltas at odd ids; another conversation alongside.
      const events: NewEvent[] = [];
      for (let index = 0; index < 10; index++) {
        events.push(index % 2 === 0 ? messageAction(`message ${index}`) : delta(`delta ${index}`));
      }
      await store.append('conversation', events);
      await store.append('other', [messageAction('elsewhere'), delta('elsewhere')]);
    });
    afterEach(async () => {
      await store.close();
      await testDatabase.cleanup();
    });

    it('leaves the deltas out of a page and reports more', async () => {
      const page = await store.search('conversation', { limit: 3, filter: withoutDeltas });
      expect(ids(page.events)).toEqual([0, 2, 4]);
      expect(page.hasMore).toBe(true);
      expect(page.events[0]).toMatchObject({ action: 'message', args: { content: 'message 0' } });
    });

    it('pages from a start id up to an end id', async () => {
      const page = await store.search('conversation', {
        startId: 3,
        endId: 8,
        limit: 10,
        filter: withoutDeltas,
      });
      expect(ids(page.events)).toEqual([4, 6, 8]);
      expect(page.hasMore).toBe(false);
    });

    it('reads across several pages when deltas fill them', async () => {
      const events: StoredEvent[] = [];
      for await (const event of store.iterate('conversation', {
        pageSize: 2,
        filter: withoutDeltas,
      })) {
        events.push(event);
      }
      expect(ids(events)).toEqual([0, 2, 4, 6, 8]);
    });

    it('matches what Kysely returns for the same filter plus one that changes nothing', async () => {
      const prepared = await store.search('conversation', { limit: 50, filter: withoutDeltas });
      const viaKysely = await store.search('conversation', {
        limit: 50,
        filter: { excludeTypes: ['StreamingDelta', 'CmdRunAction'] },
      });
      expect(prepared).toEqual(viaKysely);
    });

    it('still rejects an unknown type name', async () => {
      await expect(
        store.search('conversation', { limit: 5, filter: { excludeTypes: ['NoSuchEvent'] } }),
      ).rejects.toMatchObject({ code: 'EVENT_FILTER_INVALID' });
    });
  });
}
