import type { Logger } from '../shared/logger.js';
import { InProcessEventTransport, type EventTransport } from './event-transport.js';
import { RedisEventTransport } from './redis-event-transport.js';

/**
 * The transport for the configuration: SQLite is one process (in-process delivery); PostgreSQL
 * may be shared by several processes, which Redis connects when `REDIS_URL` is set (else each
 * reads the others' events from the log on a timer).
 */
export function createEventTransport(options: {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  instanceId: string;
  logger: Logger;
}): EventTransport {
  if (options.databaseUrl === undefined) return new InProcessEventTransport();
  if (options.redisUrl === undefined) return new InProcessEventTransport({ sharedLog: true });
  return new RedisEventTransport({
    url: options.redisUrl,
    instanceId: options.instanceId,
    logger: options.logger,
  });
}
