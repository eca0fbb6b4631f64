import { randomUUID } from 'node:crypto';
import { executionStatusForAgentState, isObservation, type V1FullState } from '@parley/protocol';
import type { EventStore } from '../events/event-store.js';

/**
 * The state a V1 client gets first on every connection (reference §3.1: upstream's subscriber
 * receives one `ConversationStateUpdateEvent` with `key: "full_state"` before anything else), read
 * from the log: the latest agent-state change decides the execution status.
 */
export async function readV1FullState(
  eventStore: EventStore,
  conversationId: string,
  signal: AbortSignal,
): Promise<V1FullState> {
  const latestEventId = await eventStore.latestId(conversationId, { signal });
  const found =
    latestEventId < 0
      ? undefined
      : await eventStore.search(conversationId, {
          endId: latestEventId,
          reverse: true,
          limit: 1,
          filter: { includeTypes: ['AgentStateChangedObservation'] },
          signal,
        });
  const latest = found?.events[0];
  const agentState =
    latest !== undefined && isObservation(latest) && latest.observation === 'agent_state_changed'
      ? latest.extras.agent_state
      : undefined;
  return {
    id: conversationId,
    conversation_id: conversationId,
    execution_status: agentState === undefined ? 'idle' : executionStatusForAgentState(agentState),
    ...(agentState === undefined ? {} : { agent_state: agentState }),
    latest_event_id: latestEventId,
  };
}

/**
 * The snapshot's frame id. It is no log id (those are decimal integers): `state:{cursor}:{uuid}`,
 * where the cursor is the last log id the connection had been sent before the snapshot (its
 * `after_id`, -1 for everything). A client that resumes with this id as `after_id` therefore
 * resumes where the snapshot stood in its stream (see `snapshotCursor`).
 */
export function snapshotFrameId(cursor: number): string {
  return `state:${cursor}:${randomUUID()}`;
}

const snapshotIdPattern = /^state:(-1|\d+):[0-9a-f-]{36}$/;

/** The cursor inside a snapshot frame id, or undefined when `text` is not one. */
export function snapshotCursor(text: string): number | undefined {
  const match = snapshotIdPattern.exec(text);
  if (match === null) return undefined;
  const cursor = Number(match[1]);
  return Number.isSafeInteger(cursor) ? cursor : undefined;
}

/** The encoded `full_state` frame: sent on its own connection only, never logged. */
export function encodeV1FullState(state: V1FullState, cursor: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      kind: 'ConversationStateUpdateEvent',
      id: snapshotFrameId(cursor),
      timestamp: new Date().toISOString(),
      source: 'environment',
      key: 'full_state',
      value: state,
    }),
  );
}
