import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { agentStateChanged, messageAction } from '../../test/support/event-fixtures.js';
import { createSqliteDatabase, type TestDatabase } from '../../test/support/test-databases.js';
import type { StoredEvent } from '../events/event-store.js';
import { EventStreams } from '../events/event-streams.js';
import { InProcessEventTransport } from '../events/event-transport.js';
import { SqlEventStore } from '../events/sql-event-store.js';
import { createSilentLogger } from '../shared/logger.js';
import type { RealtimeFaceName } from '../shared/metrics.js';
import { ConversationHub } from './conversation-hub.js';
import type {
  ConnectionCloseReason,
  LiveBroadcaster,
  RealtimeConnection,
} from './realtime-connection.js';
import { ReplayBudget } from './replay-budget.js';
import type { ReplayPage } from './replay-page.js';
import { ReplayPages } from './replay-pages.js';
import { replayThenTail } from './replay-then-tail.js';

/**
 * A connection that records every id it is handed, which path it came by and which write batch it
 * was in. Each frame adds `bytesPerEvent` to its buffer until `read()` empties it, as a client that
 * reads in bursts.
 */
class RecordingConnection implements RealtimeConnection {
  static #count = 0;
  readonly id = `recording-${++RecordingConnection.#count}`;
  readonly face = 'websocket' as const;
  readonly conversationId: string;
  readonly wantsDeltas = false;
  readonly sharesReplayFrames = true;
  closed = false;
  readonly received: { id: number; path: 'replayed' | 'live'; batch: number | undefined }[] = [];
  /** Ids per `batchWrites` call, in call order. */
  readonly batches: number[][] = [];
  /** The `latestAgentStateId` handed with each replayed frame. */
  readonly agentStateIds: number[] = [];
  /** The buffered bytes when each replayed frame was written. */
  readonly bufferedAtSend: number[] = [];
  live = false;
  #buffered = 0;
  #batch: number[] | undefined;
  #writeWaiters: (() => void)[] = [];

  constructor(
    conversationId: string,
    readonly bytesPerEvent = 0,
  ) {
    this.conversationId = conversationId;
  }

  batchWrites(send: () => void): void {
    if (this.#batch !== undefined) throw new Error('nested batch');
    this.#batch = [];
    try {
      send();
    } finally {
      this.batches.push(this.#batch);
      this.#batch = undefined;
    }
  }

  sendReplayed(page: ReplayPage, index: number, latestAgentStateId: number): void {
    const event = page.events[index] as StoredEvent;
    if (this.#batch === undefined) throw new Error('replayed frame outside a batch');
    this.agentStateIds.push(latestAgentStateId);
    this.bufferedAtSend.push(this.#buffered);
    this.#batch.push(event.id);
    this.#record(event, 'replayed');
  }

  sendLive(event: StoredEvent): void {
    this.#record(event, 'live');
  }

  enterLive(): void {
    this.live = true;
  }

  bufferedBytes(): number {
    return this.#buffered;
  }

  whenWritten(onWritten: () => void): void {
    if (this.#buffered === 0 || this.closed) onWritten();
    else this.#writeWaiters.push(onWritten);
  }

  /** The client reads everything waiting. */
  read(): void {
    this.#buffered = 0;
    const waiters = this.#writeWaiters;
    this.#writeWaiters = [];
    for (const waiter of waiters) waiter();
  }

  closeReason: ConnectionCloseReason | undefined;

  close(reason: ConnectionCloseReason): void {
    this.closed = true;
    this.closeReason = reason;
    this.read();
  }

  #record(event: StoredEvent, path: 'replayed' | 'live'): void {
    this.received.push({ id: event.id, path, batch: this.batches.length });
    this.#buffered += this.bytesPerEvent;
  }
}

/** The face's live path for recording connections. */
const recordingBroadcaster: LiveBroadcaster = {
  face: 'websocket',
  broadcast(_conversationId, event, live) {
    for (const connection of live) connection.sendLive(event);
  },
  heartbeat() {},
};

describe('replayThenTail with page batches', () => {
  let testDatabase: TestDatabase;
  let store: SqlEventStore;
  let streams: EventStreams;
  let hub: ConversationHub;
  const conversationId = 'c1';

  beforeEach(async () => {
    testDatabase = await createSqliteDatabase();
    const logger = createSilentLogger();
    store = new SqlEventStore({ database: testDatabase.database, logger });
    const transport = new InProcessEventTransport();
    store.onCommit((id, events) => transport.publish(id, events));
    streams = new EventStreams({ store, transport, logger });
    hub = new ConversationHub({
      stream: streams.get(conversationId),
      broadcasters: new Map<RealtimeFaceName, LiveBroadcaster>([
        ['websocket', recordingBroadcaster],
      ]),
      outboundBufferBytes: Number.MAX_SAFE_INTEGER,
      maxPendingEvents: 100_000,
      heartbeatIntervalMs: 60_000,
      logger,
      onSlowConsumer: () => undefined,
      onEmpty: () => undefined,
    });
  });
  afterEach(async () => {
    hub.close('server shutting down');
    await streams.close();
    await store.close();
    await testDatabase.cleanup();
  });

  async function appendMessages(count: number, batchSize = 100): Promise<void> {
    const stream = streams.get(conversationId);
    for (let first = 0; first < count; first += batchSize) {
      const size = Math.min(batchSize, count - first);
      await stream.append(
        Array.from({ length: size }, (_, index) => messageAction(`m${first + index}`, 'agent')),
      );
    }
  }

  /** Pages of at most `maxEvents` events, not kept once released, within a roomy budget. */
  function pagesOf(maxEvents: number): ReplayPages {
    return new ReplayPages({
      eventStore: store,
      budget: new ReplayBudget({ capacityBytes: 64 * 1024 * 1024, waitMs: 1_000 }),
      maxEvents,
      maxBytes: 1024 * 1024,
      retainMs: 0,
    });
  }

  function range(from: number, to: number): number[] {
    return Array.from({ length: to - from + 1 }, (_, index) => from + index);
  }

  it('sends each page as one batch, every id once and in order, then goes live', async () => {
    await appendMessages(450);
    const connection = new RecordingConnection(conversationId);
    await replayThenTail({
      eventStore: store,
      hub,
      connection,
      afterId: -1,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(200),
    });
    expect(connection.batches).toEqual([range(0, 199), range(200, 399), range(400, 449)]);
    // Live once the hub's own delivery has caught up with what the replay read.
    await hub.delivered();
    expect(connection.live).toBe(true);

    await appendMessages(3);
    await hub.delivered();
    expect(connection.received.map((entry) => entry.id)).toEqual(range(0, 452));
    expect(connection.received.slice(450).every((entry) => entry.path === 'live')).toBe(true);
  });

  it('ends a batch once the client has enough waiting and sends the rest after it reads', async () => {
    await appendMessages(120);
    // 10 bytes a frame, a 95-byte cap: a batch stops after the frame that crosses the cap.
    const connection = new RecordingConnection(conversationId, 10);
    const reader = setInterval(() => connection.read(), 2);
    try {
      await replayThenTail({
        eventStore: store,
        hub,
        connection,
        afterId: 9,
        replayBufferBytes: 95,
        signal: new AbortController().signal,
        pages: pagesOf(50),
      });
    } finally {
      clearInterval(reader);
    }
    expect(connection.received.map((entry) => entry.id)).toEqual(range(10, 119));
    expect(connection.batches.flat()).toEqual(range(10, 119));
    // Never more than the cap waiting when a frame is written, and no batch longer than the cap allows.
    expect(Math.max(...connection.bufferedAtSend)).toBeLessThanOrEqual(95);
    expect(Math.max(...connection.batches.map((batch) => batch.length))).toBeLessThanOrEqual(10);
    // Pages stay whole units of reading: no batch spans two pages (ids 10–59, 60–109, 110–119).
    for (const batch of connection.batches) {
      const pageOf = (id: number): number => Math.floor((id - 10) / 50);
      expect(pageOf(batch[0] as number)).toBe(pageOf(batch[batch.length - 1] as number));
    }
  });

  it('delivers every id exactly once when events are appended during a batched replay', async () => {
    await appendMessages(1_000);
    const connection = new RecordingConnection(conversationId);
    const appending = appendMessages(500, 7);
    await replayThenTail({
      eventStore: store,
      hub,
      connection,
      afterId: 499,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(64),
    });
    await appending;
    await hub.delivered();
    expect(connection.received.map((entry) => entry.id)).toEqual(range(500, 1_499));
  });

  it('scans for the latest agent-state change only when the replay meets one', async () => {
    await appendMessages(30);
    const search = vi.spyOn(store, 'search');
    const plain = new RecordingConnection(conversationId);
    await replayThenTail({
      eventStore: store,
      hub,
      connection: plain,
      afterId: -1,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(10),
    });
    expect(search).not.toHaveBeenCalled();

    const stream = streams.get(conversationId);
    await stream.append([agentStateChanged('running')]); // id 30
    await appendMessages(15);
    await stream.append([agentStateChanged('awaiting_user_input')]); // id 46
    await appendMessages(3);
    const resumed = new RecordingConnection(conversationId);
    await replayThenTail({
      eventStore: store,
      hub,
      connection: resumed,
      afterId: 25,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(4),
    });
    expect(search).toHaveBeenCalledTimes(1);
    expect(resumed.received.map((entry) => entry.id)).toEqual(range(26, 49));
    // Ids 26–29 hold no agent-state change; the page from 30 does: from then on every frame
    // carries the latest one's id (46).
    expect(resumed.agentStateIds.slice(0, 4)).toEqual([-1, -1, -1, -1]);
    expect(new Set(resumed.agentStateIds.slice(4))).toEqual(new Set([46]));
  });

  it('stops between batches when the connection closes', async () => {
    await appendMessages(300);
    const connection = new RecordingConnection(conversationId, 1);
    const controller = new AbortController();
    const replay = replayThenTail({
      eventStore: store,
      hub,
      connection,
      afterId: -1,
      replayBufferBytes: 50,
      signal: controller.signal,
      pages: pagesOf(100),
    });
    // The client never reads: the replay waits after the first capped batch, then the socket closes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    connection.closed = true;
    controller.abort();
    await replay.catch(() => undefined);
    expect(connection.received.map((entry) => entry.id)).toEqual(range(0, 50));
    expect(connection.live).toBe(false);
  });

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
