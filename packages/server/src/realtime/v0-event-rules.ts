import { isAction, isObservation, isStreamingDelta, serializeEvent } from '@parley/protocol';
import type { StoredEvent } from '../events/event-store.js';

/** A Socket.IO message: the event name and its payload. */
export interface SocketIoMessage {
  name: 'oh_event' | 'oh_delta';
  payload: Record<string, unknown>;
}

/** Environment observations that upstream sends live with their source rewritten to `agent`. */
const rewrittenEnvironmentObservations = new Set(['run', 'agent_state_changed', 'recall', 'error']);

/**
 * Upstream's replay rules (reference §2.3 step 4): null actions, null observations and recall
 * actions are skipped; of the agent-state changes only the latest (`latestAgentStateId`, read when
 * the replay meets its first agent-state change; any newer one is sent too) is sent.
 * The source is not rewritten. Streaming deltas go to opted-in clients as `oh_delta`.
 *
 * Unlike upstream, the latest agent-state change is sent at its own place in id order rather than
 * after everything else: nothing after it changes the agent state, so the client ends in the same
 * state, and its cursor (the last id it received) never moves backwards, which would make the next
 * reconnect replay events twice.
 */
export function v0ReplayMessage(
  event: StoredEvent,
  options: { wantsDeltas: boolean; latestAgentStateId: number },
): SocketIoMessage | undefined {
  const name = v0ReplayEventName(event, options);
  return name === undefined ? undefined : { name, payload: serializeEvent(event) };
}

/**
 * The Socket.IO event a replayed entry goes out as (`v0ReplayMessage`'s rules), or undefined; its
 * payload is always `serializeEvent(event)`, so a replay that has the stored JSON can send that.
 */
export function v0ReplayEventName(
  event: StoredEvent,
  options: { wantsDeltas: boolean; latestAgentStateId: number },
): SocketIoMessage['name'] | undefined {
  if (isStreamingDelta(event)) return options.wantsDeltas ? 'oh_delta' : undefined;
  if (isAction(event) && (event.action === 'null' || event.action === 'recall')) return undefined;
  if (isObservation(event)) {
    if (event.observation === 'null') return undefined;
    if (event.observation === 'agent_state_changed' && event.id < options.latestAgentStateId) {
      return undefined;
    }
  }
  return 'oh_event';
}

/**
 * Upstream's live rules (reference §1.5 `_on_event`): null actions and observations are dropped;
 * agent and user events are sent as they are; environment run, agent-state, recall and error
 * observations are sent with `source` rewritten to `agent`; every other environment event (and an
 * event without a source) is not sent live, though it still appears on replay. Streaming deltas go to opted-in clients as `oh_delta`.
 * The result does not depend on the connection (beyond opting in to deltas), so a room broadcast
 * encodes it once for every live connection.
 */
export function v0LiveMessage(event: StoredEvent): SocketIoMessage | undefined {
  if (isStreamingDelta(event)) return { name: 'oh_delta', payload: serializeEvent(event) };
  if (isAction(event) && event.action === 'null') return undefined;
  if (isObservation(event) && event.observation === 'null') return undefined;
  if (event.source === 'agent' || event.source === 'user') {
    return { name: 'oh_event', payload: serializeEvent(event) };
  }
  if (
    event.source === 'environment' &&
    isObservation(event) &&
    rewrittenEnvironmentObservations.has(event.observation)
  ) {
    return { name: 'oh_event', payload: { ...serializeEvent(event), source: 'agent' } };
  }
  return undefined;
}
