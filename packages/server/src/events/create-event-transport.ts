import type { Logger } from '../shared/logger.js';
import { InProcessEventTransport, type EventTransport } from './event-transport.js';
import { RedisEventTransport } from './redis-event-transport.js';

/**
 * The transport for the configuration: several processes need PostgreSQL and Redis (`REDIS_URL`
 * connects them); otherwise Parley is one process and delivers in-process.
 */
export function createEventTransport(options: {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  instanceId: string;
  logger: Logger;
}): EventTransport {
  if (options.databaseUrl === undefined || options.redisUrl === undefined) {
    return new InProcessEventTransport();
  }
  return new RedisEventTransport({
    url: options.redisUrl,
    instanceId: options.instanceId,
    logger: options.logger,
  });
}
