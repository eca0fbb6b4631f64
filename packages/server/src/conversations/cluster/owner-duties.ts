import { agentStateChangedObservation, type ActionEvent, type AgentState } from '@parley/protocol';
import type { AppendFence, EventStore, StoredEvent } from '../../events/event-store.js';
import type { EventStreams } from '../../events/event-streams.js';
import type { StartOptions } from '../agent-loops.js';
import { interruptedReason, interruptedStates } from '../interrupted-conversations.js';

const subscriberId = 'cluster-owner';

/**
 * Hands every user action logged from now on (by any process) to `take`, in id order; resolves
 * once subscribed, with the function that ends it. The owner of a conversation runs this for its
 * loop, so a client's message or stop reaches it whichever process the client talks to.
 */
export async function followUserActions(
  eventStreams: EventStreams,
  conversationId: string,
  take: (event: StoredEvent) => Promise<void> | undefined,
): Promise<() => void> {
  const held = eventStreams.acquire(conversationId);
  await held.stream.established;
  const callbackId = `loop-${conversationId}`;
  held.stream.subscribe(subscriberId, callbackId, async (event) => {
    if (event.source === 'user' && 'action' in event) await take(event);
  });
  held.release();
  return () => {
    try {
      held.stream.unsubscribe(subscriberId, callbackId);
    } catch {
      // The stream was closed (the conversation was deleted); nothing is left to undo.
    }
  };
}

/**
 * Upstream's restart rule, for a takeover: when the log's latest agent state says a turn was under
 * way, the dead owner cut it, so it ends in `error` with the reason (fenced with the new
 * generation, so it follows everything the old owner committed).
 */
export async function recordInterruption(parts: {
  eventStore: EventStore;
  eventStreams: EventStreams;
  conversationId: string;
  fence: AppendFence;
  options: Pick<StartOptions, 'secrets'>;
}): Promise<void> {
  const { conversationId } = parts;
  const { events } = await parts.eventStore.search(conversationId, {
    reverse: true,
    limit: 1,
    filter: { includeTypes: ['AgentStateChangedObservation'] },
  });
  const latest = events[0] as { extras?: { agent_state?: AgentState } } | undefined;
  const state = latest?.extras?.agent_state;
  if (state === undefined || !interruptedStates.has(state)) return;
  const stream = parts.eventStreams.get(conversationId);
  stream.updateSecrets(parts.options.secrets);
  await stream.append(
    [{ ...agentStateChangedObservation('error', interruptedReason), source: 'environment' }],
    { fence: parts.fence },
  );
}

/** The user's stop, as the V0 socket sends it: what a stop sent to a non-owner logs. */
export function userStopAction(): ActionEvent {
  return {
    action: 'change_agent_state',
    args: { agent_state: 'stopped', thought: '' },
  } as ActionEvent;
}
