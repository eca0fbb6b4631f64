import { isObservation, type AgentState } from '@parley/protocol';
import type { EventStore } from '../events/event-store.js';

/** The agent state of a conversation's latest `agent_state_changed`, or undefined before any. */
export async function latestAgentState(
  eventStore: EventStore,
  conversationId: string,
  signal?: AbortSignal,
): Promise<AgentState | undefined> {
  const options = signal === undefined ? {} : { signal };
  const latestEventId = await eventStore.latestId(conversationId, options);
  if (latestEventId < 0) return undefined;
  const found = await eventStore.search(conversationId, {
    endId: latestEventId,
    reverse: true,
    limit: 1,
    filter: { includeTypes: ['AgentStateChangedObservation'] },
    ...options,
  });
  const latest = found.events[0];
  return latest !== undefined &&
    isObservation(latest) &&
    latest.observation === 'agent_state_changed'
    ? latest.extras.agent_state
    : undefined;
}
