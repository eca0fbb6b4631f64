/**
 * The reliability checker (../../../../../shared/spec/reliability.md, "How it is checked"):
 * (a) each conversation's stored log holds every acknowledged write exactly once (a refused one
 *     not at all, an unknown one at most once), with ids contiguous from 0;
 * (b) each client's stream, after dropping ids it already had, runs in ascending order, holds
 *     only ids of the log with the log's content, and misses no event that its face must deliver
 *     between its resume point and the last id it received (to the end of the log when the
 *     client stayed until the end).
 *
 * Which entries a face must deliver: on the V1 face every entry that has a V1 frame; on the
 * Socket.IO face every `message` action, since upstream's V0 rules filter others (old agent-state
 * changes on replay, environment events live), which are therefore allowed, not required; on both,
 * the streaming deltas when the client asked for them.
 */
import type { ClientStream, History } from './history.js';

export interface LogEntry {
  readonly id: number;
  /**
   * `message` for message actions, `command` for a client's `run` action, `delta` for streaming
   * deltas, `other` otherwise.
   */
  readonly kind: 'message' | 'command' | 'delta' | 'other';
  /** The text compared with what clients received (message content or delta text; a command). */
  readonly content: string | undefined;
  /** The source of the entry (`user`, `agent`, `environment`). */
  readonly source?: string;
  /** For agent-state changes, the new state. */
  readonly agentState?: string;
  /** The entry has a V1 frame (`projectV1Event`), so V1 clients must receive it. */
  readonly v1Visible?: boolean;
}

export interface CheckResult {
  /** Acknowledged writes missing from the log. */
  readonly lost: string[];
  /** Writes found more than once (ok or unknown), or refused writes found at all. */
  readonly duplicated: string[];
  /** Gaps and misnumbered ids in the stored logs. */
  readonly logGaps: string[];
  /** Streams that missed, repeated out of order, or invented events. */
  readonly streamFaults: string[];
  readonly operations: number;
}

export function checkHistory(
  history: History,
  logs: ReadonlyMap<string, readonly LogEntry[]>,
): CheckResult {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const logGaps: string[] = [];
  const streamFaults: string[] = [];

  for (const [conversationId, log] of logs) {
    log.forEach((entry, index) => {
      if (entry.id !== index) {
        logGaps.push(`${conversationId}: position ${index} holds id ${entry.id}`);
      }
    });
  }

  for (const operation of history.operations) {
    const log = logs.get(operation.conversationId) ?? [];
    const copies = log.filter(
      (entry) =>
        (entry.kind === 'message' || entry.kind === 'command') &&
        // Writes are the user's; an agent's reply that quotes one (the demo model does) is no copy.
        (entry.source === undefined || entry.source === 'user') &&
        entry.content?.includes(operation.token) === true,
    ).length;
    const label = `${operation.client} ${operation.token} (${operation.result ?? 'pending'})`;
    if (operation.result === 'ok' && copies === 0) lost.push(label);
    if (operation.result === 'fail' && copies > 0) duplicated.push(`${label}: refused but stored`);
    if (copies > 1) duplicated.push(`${label}: stored ${copies} times`);
  }

  for (const stream of history.streams) {
    streamFaults.push(...checkStream(stream, logs.get(stream.conversationId) ?? []));
  }

  return { lost, duplicated, logGaps, streamFaults, operations: history.operations.length };
}

function checkStream(stream: ClientStream, log: readonly LogEntry[]): string[] {
  const faults: string[] = [];
  const name = `${stream.client} (${stream.face})`;
  const firstSession = stream.sessions[0];
  if (firstSession === undefined) return faults;
  const seen = new Set<number>();
  let highest = firstSession.cursor;
  for (const session of stream.sessions) {
    if (session.cursor > highest) {
      faults.push(`${name}: resumed after ${session.cursor} but had only reached ${highest}`);
    }
    for (const id of session.ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      const entry = log[id];
      if (entry === undefined) {
        faults.push(`${name}: received id ${id}, which the log does not hold`);
        continue;
      }
      if (id < highest) faults.push(`${name}: received ${id} after ${highest}`);
      highest = Math.max(highest, id);
      const received = session.contents.get(id);
      if (received !== undefined && entry.content !== undefined && received !== entry.content) {
        faults.push(`${name}: id ${id} arrived with other content than the log holds`);
      }
    }
  }
  const end = stream.complete ? log.length - 1 : highest;
  const missing: number[] = [];
  for (let id = firstSession.cursor + 1; id <= end; id++) {
    const entry = log[id];
    if (entry === undefined || seen.has(id)) continue;
    const required =
      entry.kind === 'delta'
        ? stream.wantsDeltas
        : entry.kind === 'message' || (stream.face === 'v1' && entry.v1Visible === true);
    if (required) missing.push(id);
  }
  if (missing.length > 0) {
    faults.push(`${name}: missed ${missing.length} ids, first ${missing.slice(0, 5).join(', ')}`);
  }
  return faults;
}
