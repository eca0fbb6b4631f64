/**
 * What the replayThenTail tests share: a SQLite event store, its streams and a conversation hub
 * that delivers live events to recording connections, made fresh before each test by the hooks
 * `useReplayFixture` registers and closed after it. The bindings below are the running test's.
 */
import { afterEach, beforeEach } from 'vitest';
import { EventStreams } from '../../src/events/event-streams.js';
import { InProcessEventTransport } from '../../src/events/event-transport.js';
import { SqlEventStore } from '../../src/events/sql-event-store.js';
import { ConversationHub } from '../../src/realtime/conversation-hub.js';
import type { LiveBroadcaster } from '../../src/realtime/realtime-connection.js';
import { ReplayBudget } from '../../src/realtime/replay-budget.js';
import { ReplayPages } from '../../src/realtime/replay-pages.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import type { RealtimeFaceName } from '../../src/shared/metrics.js';
import { messageAction } from './event-fixtures.js';
import { recordingBroadcaster } from './recording-connection.js';
import { createSqliteDatabase, type TestDatabase } from './test-databases.js';

export const conversationId = 'c1';
let testDatabase: TestDatabase;
export let store: SqlEventStore;
export let streams: EventStreams;
export let hub: ConversationHub;

/** Registers the hooks that build the store, streams and hub before each test and close them after. */
export function useReplayFixture(): void {
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
}

/** Appends `count` agent messages to the conversation, `batchSize` to a commit. */
export async function appendMessages(count: number, batchSize = 100): Promise<void> {
  const stream = streams.get(conversationId);
  for (let first = 0; first < count; first += batchSize) {
    const size = Math.min(batchSize, count - first);
    await stream.append(
      Array.from({ length: size }, (_, index) => messageAction(`m${first + index}`, 'agent')),
    );
  }
}

/** Pages of at most `maxEvents` events, not kept once released, within a roomy budget. */
export function pagesOf(maxEvents: number): ReplayPages {
  return new ReplayPages({
    eventStore: store,
    budget: new ReplayBudget({ capacityBytes: 64 * 1024 * 1024, waitMs: 1_000 }),
    maxEvents,
    maxBytes: 1024 * 1024,
    retainMs: 0,
  });
}

/** The integers from `from` to `to`, both included. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}
