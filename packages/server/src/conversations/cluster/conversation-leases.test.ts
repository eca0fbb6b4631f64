import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlEventStore } from '../../events/sql-event-store.js';
import { createSilentLogger } from '../../shared/logger.js';
import { messageAction } from '../../../test/support/event-fixtures.js';
import { testDatabaseBackends, type TestDatabase } from '../../../test/support/test-databases.js';
import { ConversationLeases } from './conversation-leases.js';

const postgres = (await testDatabaseBackends()).find((backend) => backend.name === 'postgres');

describe.skipIf(postgres?.available !== true)('conversation leases (PostgreSQL)', () => {
  let testDatabase: TestDatabase;
  let store: SqlEventStore;

  function leasesOf(instanceId: string, ttlMs = 60_000): ConversationLeases {
    return new ConversationLeases({ kysely: testDatabase.database.kysely, instanceId, ttlMs });
  }

  /** Ages every lease past its expiry (as if its owner had stopped renewing long ago). */
  async function expireAll(): Promise<void> {
    await sql`update conversation_leases set expires_at = 0`.execute(testDatabase.database.kysely);
  }

  beforeEach(async () => {
    testDatabase = await (postgres as NonNullable<typeof postgres>).create();
    store = new SqlEventStore({ database: testDatabase.database, logger: createSilentLogger() });
  });
  afterEach(async () => {
    await store.close();
    await testDatabase.cleanup();
  });

  it('one live owner at a time; each taking raises the generation', async () => {
    const a = leasesOf('a');
    const b = leasesOf('b');
    const first = await a.acquire('c1', 'alice');
    expect(first?.generation).toBe(1);
    expect(await b.acquire('c1', 'alice')).toBeUndefined();
    expect(await b.liveOwner('c1')).toBe('a');
    expect(await b.ownedElsewhere()).toEqual(new Set(['c1']));
    // Its own owner taking it again gets a new generation: an old loop's appends are fenced off.
    expect((await a.acquire('c1', 'alice'))?.generation).toBe(2);
    await expireAll();
    expect(await b.orphaned()).toEqual([{ conversationId: 'c1', userId: 'alice' }]);
    expect((await b.acquire('c1', 'alice'))?.generation).toBe(3);
    expect(await a.liveOwner('c1')).toBe('b');
  });

  it('renewal keeps only leases still held at the same generation', async () => {
    const a = leasesOf('a');
    const b = leasesOf('b');
    const kept = (await a.acquire('kept', 'alice'))!;
    const lost = (await a.acquire('lost', 'alice'))!;
    await expireAll();
    await b.acquire('lost', 'alice');
    const renewed = await a.renew([kept, lost], () => 1234);
    expect(renewed).toEqual(new Set(['kept']));
    expect(await b.liveForUser('alice')).toEqual(
      expect.arrayContaining([
        { conversationId: 'kept', owner: 'a', activeAt: 1234 },
        expect.objectContaining({ conversationId: 'lost', owner: 'b' }),
      ]),
    );
  });

  it('a released lease is free at once and never taken over; an evicted one is lost to its owner', async () => {
    const a = leasesOf('a');
    const b = leasesOf('b');
    const released = (await a.acquire('released', 'alice'))!;
    await a.release(released);
    expect(await b.orphaned()).toEqual([]);
    expect((await b.acquire('released', 'alice'))?.generation).toBe(2);
    const evicted = (await a.acquire('evicted', 'alice'))!;
    await b.evict('evicted');
    expect(await a.renew([evicted], () => 0)).toEqual(new Set());
    expect(await b.liveOwner('evicted')).toBeUndefined();
  });

  it('the store refuses an append fenced with an old generation, inside its transaction, and only that one', async () => {
    const a = leasesOf('a');
    const b = leasesOf('b');
    const lease = (await a.acquire('fenced', 'alice'))!;
    const fence = { generation: lease.generation };
    expect((await store.append('fenced', [messageAction('ok')], { fence }))[0]?.id).toBe(0);
    await expireAll();
    await b.acquire('fenced', 'alice');
    // Batched with an unfenced append of another conversation: that one still commits.
    const [refused, other] = await Promise.allSettled([
      store.append('fenced', [messageAction('stale')], { fence }),
      store.append('unfenced', [messageAction('fine')]),
    ]);
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({
      code: 'CONVERSATION_LEASE_LOST',
    });
    expect(other.status).toBe('fulfilled');
    expect((await store.search('fenced')).events.map((event) => event.id)).toEqual([0]);
    // A lease row that is gone (the conversation deleted) refuses every fenced append too.
    await b.remove('fenced');
    await expect(
      store.append('fenced', [messageAction('after delete')], { fence: { generation: 2 } }),
    ).rejects.toMatchObject({ code: 'CONVERSATION_LEASE_LOST' });
  });
});
