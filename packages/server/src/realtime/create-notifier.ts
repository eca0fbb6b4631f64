import type { RealtimeNotifier } from '../conversations/realtime-notifier.js';
import type { Logger } from '../shared/logger.js';
import { ClusterNotifier } from './cluster-notifier.js';

/**
 * What the conversation manager tells clients through: this process's sockets, or, when several
 * processes share PostgreSQL and Redis connects them, every process's sockets (`ClusterNotifier`).
 */
export function createNotifier(options: {
  local: RealtimeNotifier;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  instanceId: string;
  maskJson(line: string): string;
  logger: Logger;
}): { notifier: RealtimeNotifier; close(): Promise<void> } {
  const { local, databaseUrl, redisUrl } = options;
  if (databaseUrl === undefined || redisUrl === undefined) {
    return { notifier: local, close: () => Promise.resolve() };
  }
  const notifier = new ClusterNotifier({ ...options, local, redisUrl });
  return { notifier, close: () => notifier.close() };
}
