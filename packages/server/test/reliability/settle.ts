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

/** The last id a client of `face` must receive: the newest message, or delta when it asked. */
export function lastRequiredId(log: readonly LogEntry[], wantsDeltas: boolean): number {
  for (let index = log.length - 1; index >= 0; index--) {
    const entry = log[index];
    if (entry === undefined) continue;
    if (entry.kind === 'message' || (entry.kind === 'delta' && wantsDeltas)) return entry.id;
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
      const target = lastRequiredId(log, client.stream.wantsDeltas);
      if (!client.connected) await client.connect();
      await client.untilId(target);
      client.stream.complete = true;
    }),
  );
}
