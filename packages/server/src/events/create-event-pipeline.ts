import type { Logger } from '../shared/logger.js';
import type { Database } from '../storage/database.js';
import { createEventTransport } from './create-event-transport.js';
import { EventStreams } from './event-streams.js';
import type { EventTransport } from './event-transport.js';
import { RedisEventTransport } from './redis-event-transport.js';
import { SqlEventStore } from './sql-event-store.js';

export interface EventPipeline {
  eventStore: SqlEventStore;
  transport: EventTransport;
  eventStreams: EventStreams;
}

/**
 * The log and its fan-out: the store, the transport its commits go out through (chosen by
 * `createEventTransport` unless one is given), and the streams that hand them to subscribers.
 */
export function createEventPipeline(options: {
  database: Database;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  instanceId: string;
  groupCommitMaxEvents: number;
  groupCommitMaxDelayMs: number;
  catchUpIntervalMs: number;
  transport: EventTransport | undefined;
  logger: Logger;
}): EventPipeline {
  const { logger } = options;
  const eventStore = new SqlEventStore({
    database: options.database,
    logger: logger.child({ module: 'event-store' }),
    groupCommitMaxEvents: options.groupCommitMaxEvents,
    groupCommitMaxDelayMs: options.groupCommitMaxDelayMs,
  });
  const transport =
    options.transport ??
    createEventTransport({
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      instanceId: options.instanceId,
      logger: logger.child({ module: 'fan-out' }),
    });
  eventStore.onCommit((conversationId, events) => transport.publish(conversationId, events));
  const eventStreams = new EventStreams({
    store: eventStore,
    transport,
    logger: logger.child({ module: 'event-stream' }),
    catchUpIntervalMs: options.catchUpIntervalMs,
  });
  // Messages may have been lost while Redis was away: every stream reads the log's head.
  if (transport instanceof RedisEventTransport)
    transport.onReconnect(() => void eventStreams.catchUp());
  return { eventStore, transport, eventStreams };
}
