import { describe, expect, it, vi } from 'vitest';
import { RecordingConnection } from '../../test/support/recording-connection.js';
import {
  appendMessages,
  conversationId,
  hub,
  pagesOf,
  range,
  store,
  useReplayFixture,
} from '../../test/support/replay-then-tail-fixture.js';
import { ReplayBudget } from './replay-budget.js';
import { ReplayPages } from './replay-pages.js';
import { replayThenTail } from './replay-then-tail.js';

describe('replayThenTail sharing pages', () => {
  useReplayFixture();

  it('shares a page between replays, yet one that registered after it was measured misses nothing', async () => {
    await appendMessages(10);
    const shared = pagesOf(200);
    const reads = vi.spyOn(store, 'iteratePages');
    // The first client reads nothing for now: its replay holds page 0–9 (which reached the end).
    const first = new RecordingConnection(conversationId, 1);
    const firstReplay = replayThenTail({
      eventStore: store,
      pages: shared,
      hub,
      connection: first,
      afterId: -1,
      replayBufferBytes: 0,
      signal: new AbortController().signal,
    });
    await vi.waitFor(() => expect(first.received).toHaveLength(1));
    // Committed after that page was measured, before the second client registers.
    await appendMessages(1);
    await hub.delivered();
    const second = new RecordingConnection(conversationId);
    await replayThenTail({
      eventStore: store,
      pages: shared,
      hub,
      connection: second,
      afterId: -1,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
    });
    // One read of page 0–9 served both; the second then read on past the stale end.
    expect(reads.mock.calls.map((call) => call[1]?.startId)).toEqual([0, 10]);
    const reader = setInterval(() => first.read(), 1);
    try {
      await firstReplay;
    } finally {
      clearInterval(reader);
    }
    await hub.delivered();
    expect(first.received.map((entry) => entry.id)).toEqual(range(0, 10));
    expect(second.received.map((entry) => entry.id)).toEqual(range(0, 10));
    expect(shared.budget.inUseBytes).toBe(0);
  });

  it('lets go of its page at once when the connection goes away mid-page', async () => {
    await appendMessages(50);
    const shared = pagesOf(100);
    const connection = new RecordingConnection(conversationId, 1);
    const controller = new AbortController();
    const replay = replayThenTail({
      eventStore: store,
      pages: shared,
      hub,
      connection,
      afterId: -1,
      replayBufferBytes: 10,
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(connection.received.length).toBeGreaterThan(0));
    expect(shared.budget.inUseBytes).toBeGreaterThan(0);
    connection.closed = true;
    controller.abort();
    await replay.catch(() => undefined);
    expect(shared.budget.inUseBytes).toBe(0);
    expect(shared.heldCount).toBe(0);
  });

  it('cuts a client that holds its page unread while other replays wait for budget', async () => {
    await appendMessages(20);
    const budget = new ReplayBudget({ capacityBytes: 1024 * 1024, waitMs: 20 });
    const shared = new ReplayPages({
      eventStore: store,
      budget,
      maxEvents: 100,
      maxBytes: 1024 * 1024,
      retainMs: 0,
    });
    const stalled = new RecordingConnection(conversationId, 1);
    const replay = replayThenTail({
      eventStore: store,
      pages: shared,
      hub,
      connection: stalled,
      afterId: -1,
      replayBufferBytes: 1024,
      signal: new AbortController().signal,
    });
    // Nobody waits: a client that reads slowly is left alone.
    await vi.waitFor(() => expect(stalled.received).toHaveLength(20));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(stalled.closed).toBe(false);
    // Another replay needs the memory the unread page holds.
    const waiting = budget.acquire(1024 * 1024, { priority: 'new' });
    await replay;
    expect(stalled.closeReason).toBe('slow consumer');
    expect(stalled.live).toBe(false);
    (await waiting).release();
    expect(budget.inUseBytes).toBe(0);
  });
});
