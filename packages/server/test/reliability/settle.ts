/** Waiting for a scenario's server to go quiet, and for its clients to catch up with the log. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogEntry } from './check-history.js';
import type { ScenarioEnvironment } from './environment.js';
import type { StoredLogs } from './log-reader.js';
import type { ResumingClient } from './stream-clients.js';

const busyStates = new Set(['running', 'loading', 'rate_limited']);

/**
 * Reads the stored logs until two reads in a row agree and no agent is working: the point after
 * which nothing more is appended unless a client asks. Bounded by `maximumReads`.
 */
export async function untilQuiet(
  environment: ScenarioEnvironment,
  options: { intervalMs?: number; maximumReads?: number } = {},
): Promise<StoredLogs> {
  const intervalMs = options.intervalMs ?? 300;
  const maximumReads = options.maximumReads ?? 400;
  let previous = '';
  let stored = await environment.readLogs();
  for (let read = 0; read < maximumReads; read++) {
    const shape = [...stored.logs].map(([id, log]) => `${id}:${log.length}`).join(',');
    const working = [...stored.agentStates.values()].some((state) => busyStates.has(state));
    if (shape === previous && !working) return stored;
    previous = shape;
    await sleep(intervalMs);
    stored = await environment.readLogs();
  }
  throw new Error('the server did not go quiet');
}

/** The last id a client must receive (the checker's rule of what each face must deliver). */
export function lastRequiredId(
  log: readonly LogEntry[],
  options: { wantsDeltas: boolean; face: 'socket.io' | 'v1' },
): number {
  for (let index = log.length - 1; index >= 0; index--) {
    const entry = log[index];
    if (entry === undefined) continue;
    const required =
      entry.kind === 'delta'
        ? options.wantsDeltas
        : entry.kind === 'message' || (options.face === 'v1' && entry.v1Visible === true);
    if (required) return entry.id;
  }
  return -1;
}

/**
 * Waits until every client has what it must have of its conversation's log, reconnecting the
 * ones that are not connected, then marks their streams complete.
 */
export async function untilCaughtUp(
  clients: readonly ResumingClient[],
  stored: StoredLogs,
): Promise<void> {
  await Promise.all(
    clients.map(async (client) => {
      const log = stored.logs.get(client.stream.conversationId) ?? [];
      const target = lastRequiredId(log, client.stream);
      if (!client.connected) await client.connect();
      await client.untilId(target);
      client.stream.complete = true;
    }),
  );
}

/** The newest id of a conversation's stored log, or -1 when it is empty. */
export function lastLogId(stored: StoredLogs, conversationId: string): number {
  return (stored.logs.get(conversationId)?.length ?? 0) - 1;
}
