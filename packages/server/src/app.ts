import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import type { EventStore } from './events/event-store.js';
import { EventStreams } from './events/event-streams.js';
import { InProcessEventTransport, type EventTransport } from './events/event-transport.js';
import { SqlEventStore } from './events/sql-event-store.js';
import { createHttpServer } from './http/create-http-server.js';
import { createLogger, type Logger } from './shared/logger.js';
import type { Database } from './storage/database.js';
import { openDatabase } from './storage/open-database.js';

/** Replacements for the real parts, for tests. */
export interface AppOverrides {
  logger?: Logger;
  database?: Database;
  transport?: EventTransport;
}

export interface ListeningAddress {
  host: string;
  port: number;
  url: string;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly eventStore: EventStore;
  readonly eventStreams: EventStreams;
  readonly http: FastifyInstance;
  /** Starts listening on the configured host and port (port 0 picks a free one). */
  listen(): Promise<ListeningAddress>;
  /** Ordered, idempotent shutdown: stop accepting, flush appends, close the database. */
  close(): Promise<void>;
}

/** The composition root: builds and wires every service. Nothing else constructs services. */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger =
    overrides.logger ?? createLogger({ level: config.log.level, json: config.log.json });
  const database =
    overrides.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDirectory: config.dataDirectory,
      logger: logger.child({ module: 'storage' }),
    }));
  const eventStore = new SqlEventStore({
    database,
    logger: logger.child({ module: 'event-store' }),
    groupCommitMaxEvents: config.storage.groupCommitMaxEvents,
    groupCommitMaxDelayMs: config.storage.groupCommitMaxDelayMs,
  });
  const transport = overrides.transport ?? new InProcessEventTransport();
  eventStore.onCommit((conversationId, events) => transport.publish(conversationId, events));
  const eventStreams = new EventStreams({
    store: eventStore,
    transport,
    logger: logger.child({ module: 'event-stream' }),
  });
  const http = createHttpServer({ logger });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('shutting down');
      await http.close();
      await eventStore.close();
      await eventStreams.close();
      await transport.close();
      await database.close();
      logger.info('shut down');
    })();
    return closing;
  };

  return {
    config,
    logger,
    database,
    eventStore,
    eventStreams,
    http,
    async listen() {
      await http.listen({ port: config.port, host: config.host });
      const address = http.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const url = `http://${host}:${port}`;
      logger.info({ url, database: database.location }, 'Parley is listening');
      return { host: config.host, port, url };
    },
    close,
  };
}
