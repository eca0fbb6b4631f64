import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messageAction } from '../../test/support/event-fixtures.js';
import { createSqliteDatabase, type TestDatabase } from '../../test/support/test-databases.js';
import { SqlEventStore } from '../events/sql-event-store.js';
import { AbortedError } from '../shared/errors.js';
import { createSilentLogger } from '../shared/logger.js';
import { ReplayBudget } from './replay-budget.js';
import { ReplayPages, replayPageCopies } from './replay-pages.js';

describe('ReplayPages', () => {
  let testDatabase: TestDatabase;
  let store: SqlEventStore;
  const conversationId = 'c1';

  beforeEach(async () => {
    testDatabase = await createSqliteDatabase();
    store = new SqlEventStore({ database: testDatabase.database, logger: createSilentLogger() });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
    await testDatabase.cleanup();
  });

  function pages(budget: ReplayBudget, retainMs = 0): ReplayPages {
    return new ReplayPages({
      eventStore: store,
      budget,
      maxEvents: 10,
      maxBytes: 10_000,
      retainMs,
    });
  }

  function roomyBudget(): ReplayBudget {
    return new ReplayBudget({ capacityBytes: 64 * 1024 * 1024, waitMs: 60_000 });
  }

  it('sizes pages by bytes: a bigger event is a page of its own; the last page knows it ended', async () => {
    await store.append(conversationId, [
      messageAction('a'),
      messageAction('b'),
      messageAction('x'.repeat(20_000)),
      messageAction('c'),
    ]);
    const shared = pages(roomyBudget());
    const signal = new AbortController().signal;
    const extents: [number, number, boolean][] = [];
    for (let startId = 0; ;) {
      const hold = await shared.hold(conversationId, startId, { priority: 'new', signal });
      const { page } = hold;
      hold.release();
      extents.push([page.startId, page.endId, page.reachedEnd]);
      expect(page.events.map((event) => event.id)).toEqual(
        Array.from({ length: page.endId - page.startId + 1 }, (_, index) => page.startId + index),
      );
      if (page.reachedEnd) break;
      startId = page.endId + 1;
    }
    expect(extents).toEqual([
      [0, 1, false],
      [2, 2, false],
      [3, 3, true],
    ]);
  });

  it('gives concurrent replays of one range one read and one share of the budget', async () => {
    await store.append(conversationId, [messageAction('a'), messageAction('b')]);
    const budget = roomyBudget();
    const shared = pages(budget);
    const reads = vi.spyOn(store, 'iteratePages');
    const signal = new AbortController().signal;
    const holds = await Promise.all(
      Array.from({ length: 50 }, () => shared.hold(conversationId, 0, { priority: 'new', signal })),
    );
    expect(reads).toHaveBeenCalledTimes(1);
    const page = holds[0]?.page;
    expect(holds.every((hold) => hold.page === page)).toBe(true);
    expect(budget.inUseBytes).toBe((page?.bytes ?? 0) * replayPageCopies);
    // Frames are made once per page and encoding, whoever asks.
    const encode = vi.fn(() => Buffer.from('frame'));
    for (const _hold of holds) page?.frame('v1', 0, encode);
    expect(encode).toHaveBeenCalledTimes(1);

    for (const hold of holds.slice(1)) hold.release();
    expect(budget.inUseBytes).toBeGreaterThan(0);
    holds[0]?.release();
    expect(budget.inUseBytes).toBe(0);
    expect(shared.heldCount).toBe(0);
  });

  it('keeps a released page for late joiners until the budget is needed or the time is up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await store.append(conversationId, [messageAction('a'.repeat(1_000))]);
    const budget = new ReplayBudget({ capacityBytes: 20_000, waitMs: 60_000 });
    const shared = pages(budget, 2_000);
    const reads = vi.spyOn(store, 'iteratePages');
    const signal = new AbortController().signal;
    const first = await shared.hold(conversationId, 0, { priority: 'new', signal });
    const firstPage = first.page;
    const cost = firstPage.bytes * replayPageCopies;
    first.release();
    // A released hold lets go of its page (the pages keep it).
    expect(() => first.page).toThrow('released');
    expect(budget.inUseBytes).toBe(cost);
    const late = await shared.hold(conversationId, 0, { priority: 'new', signal });
    expect(late.page).toBe(firstPage);
    expect(reads).toHaveBeenCalledTimes(1);
    late.release();

    // Another replay needs the room: the kept page gives its share back at once.
    const other = await budget.acquire(20_000 - cost + 1, { priority: 'new' });
    expect(shared.heldCount).toBe(0);
    other.release();

    const again = await shared.hold(conversationId, 0, { priority: 'new', signal });
    again.release();
    expect(reads).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(2_000);
    expect(budget.inUseBytes).toBe(0);
    expect(shared.heldCount).toBe(0);
  });

  it('keeps at most two released pages per conversation, the biggest: a long replay does not keep its log', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // Pages: 0–9, 10 (one big event, a page of its own), 11–20, 21–24.
    await store.append(conversationId, [
      ...Array.from({ length: 10 }, (_, index) => messageAction(`m${index}`)),
      messageAction('x'.repeat(20_000)),
      ...Array.from({ length: 14 }, (_, index) => messageAction(`n${index}`)),
    ]);
    const budget = roomyBudget();
    const shared = pages(budget, 2_000);
    const reads = vi.spyOn(store, 'iteratePages');
    const signal = new AbortController().signal;
    async function replayAll(): Promise<number[]> {
      const starts: number[] = [];
      for (let startId = 0; ;) {
        const hold = await shared.hold(conversationId, startId, { priority: 'new', signal });
        const { page } = hold;
        hold.release();
        starts.push(page.startId);
        expect(shared.heldCount).toBeLessThanOrEqual(2);
        if (page.reachedEnd) return starts;
        startId = page.endId + 1;
      }
    }
    expect(await replayAll()).toEqual([0, 10, 11, 21]);
    expect(reads).toHaveBeenCalledTimes(4);
    // Kept: the big page and the bigger of the small ones (10 events; the 4-event last page went).
    // A late joiner re-reads only the pages that were not kept.
    reads.mockClear();
    await replayAll();
    expect(reads.mock.calls.map(([, options]) => options?.startId)).toEqual([0, 21]);
    vi.advanceTimersByTime(2_000);
    expect(shared.heldCount).toBe(0);
    expect(budget.inUseBytes).toBe(0);
  });

  it('lets go of a released page: what still holds the hold (a closure) or the dropped entry does not keep it', async () => {
    await store.append(conversationId, [messageAction('a'.repeat(10_000))]);
    const shared = pages(roomyBudget());
    const hold = await shared.hold(conversationId, 0, { priority: 'new', signal: neverAborted() });
    const page = new WeakRef(hold.page);
    // As a socket's close listener does: it keeps the hold for the connection's life.
    const closeListener = (): void => hold.release();
    hold.release();
    expect(shared.heldCount).toBe(0);
    await collectGarbage();
    expect(page.deref()).toBeUndefined();
    closeListener();
  });

  it('lets a replay that goes away while its page waits for budget withdraw at once', async () => {
    await store.append(conversationId, [messageAction('a')]);
    const budget = new ReplayBudget({ capacityBytes: 1_000_000, waitMs: 60_000 });
    const blocker = await budget.acquire(1_000_000, { priority: 'new' });
    const shared = pages(budget);
    const controller = new AbortController();
    const pending = shared.hold(conversationId, 0, { priority: 'new', signal: controller.signal });
    await vi.waitFor(() => expect(budget.waitingCount).toBe(1));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    await vi.waitFor(() => expect(budget.waitingCount).toBe(0));
    expect(shared.heldCount).toBe(0);
    blocker.release();
    expect(budget.inUseBytes).toBe(0);
  });

  it('measures anew for a replay that asks for a page measured after a mark', async () => {
    await store.append(conversationId, [messageAction('a')]);
    const shared = pages(roomyBudget());
    const signal = new AbortController().signal;
    const early = await shared.hold(conversationId, 1, { priority: 'new', signal });
    expect(early.page.events).toEqual([]);
    expect(early.page.reachedEnd).toBe(true);
    const mark = shared.mark();
    await store.append(conversationId, [messageAction('b')]);
    // Still held, but measured before the mark: not shared with this replay.
    const fresh = await shared.hold(conversationId, 1, {
      priority: 'continuing',
      signal,
      measuredAfter: mark,
    });
    expect(fresh.page.events.map((event) => event.id)).toEqual([1]);
    early.release();
    fresh.release();
  });
});

function neverAborted(): AbortSignal {
  return new AbortController().signal;
}

/** A full collection, after the current job (whose WeakRef targets are kept until it ends). */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}
