import { agentStateChangedObservation, type ActionEvent, type AgentState } from '@parley/protocol';
import type { AppendFence, EventStore, StoredEvent } from '../../events/event-store.js';
import type { EventStreams } from '../../events/event-streams.js';
import type { StartOptions } from '../agent-loops.js';
import type { ConversationManager } from '../conversation-manager.js';
import type { ConversationMetadata } from '../conversation-metadata.js';
import { tooManyConversations } from '../realtime-notifier.js';
import type { ConversationLeases } from './conversation-leases.js';
import { interruptedReason, interruptedStates } from '../interrupted-conversations.js';
import { readLoopMemory } from '../agent/loop-memory.js';

const subscriberId = 'cluster-owner';
let follows = 0;

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
  const callbackId = `loop-${conversationId}-${++follows}`;
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
 * A takeover's first duty: the cut turn is recorded (`recordInterruption`); resolves whether user
 * messages wait for an answer, in which case the new owner starts the loop to answer them.
 */
export async function settleDeadOwnersTurn(
  parts: Parameters<typeof recordInterruption>[0],
): Promise<boolean> {
  await recordInterruption(parts);
  const memory = await readLoopMemory(parts.eventStore, parts.conversationId);
  return memory.unansweredMessageIds.length > 0;
}

/**
 * Upstream's restart rule, for every new owner (a takeover, or a process that comes back under
 * its old instance id and finds its own lease): when the log's latest agent state says a turn was under
 * way, the dead owner cut it, so it ends in `error` with the reason (fenced with the new
 * generation, so it follows everything the old owner committed). Resolves whether it did.
 */
export async function recordInterruption(parts: {
  eventStore: EventStore;
  eventStreams: EventStreams;
  conversationId: string;
  fence: AppendFence;
  options: Pick<StartOptions, 'secrets'>;
}): Promise<boolean> {
  const { conversationId } = parts;
  const { events } = await parts.eventStore.search(conversationId, {
    reverse: true,
    limit: 1,
    filter: { includeTypes: ['AgentStateChangedObservation'] },
  });
  const latest = events[0] as { extras?: { agent_state?: AgentState } } | undefined;
  const state = latest?.extras?.agent_state;
  if (state === undefined || !interruptedStates.has(state)) return false;
  const stream = parts.eventStreams.get(conversationId);
  stream.updateSecrets(parts.options.secrets);
  await stream.append(
    [{ ...agentStateChangedObservation('error', interruptedReason), source: 'environment' }],
    { fence: parts.fence },
  );
  return true;
}

/** The user's stop, as the V0 socket sends it: what a stop sent to a non-owner logs. */
export function userStopAction(): ActionEvent {
  return {
    action: 'change_agent_state',
    args: { agent_state: 'stopped', thought: '' },
  } as ActionEvent;
}

/**
 * The per-user limit on running conversations, across the cluster: before a new loop of the user
 * starts, the least recently active of the user's live loops are closed until there is room. A
 * local one closes as on a single process (`stopped` logged); another process's loses its lease
 * (evicted: that owner drops it at its next renewal or append). Its clients hear upstream's
 * `AGENT_ERROR$TOO_MANY_CONVERSATIONS` either way.
 */
export async function makeRoomInCluster(
  conversation: ConversationMetadata,
  parts: { leases: ConversationLeases; manager: ConversationManager; maxRunningPerUser: number },
): Promise<void> {
  const live = (await parts.leases.liveForUser(conversation.userId))
    .filter((entry) => entry.conversationId !== conversation.conversationId)
    .sort((a, b) => a.activeAt - b.activeAt);
  while (live.length >= parts.maxRunningPerUser) {
    const oldest = live.shift();
    if (oldest === undefined) return;
    parts.manager.notifier.sendStatusUpdate(oldest.conversationId, tooManyConversations);
    if (parts.manager.loop(oldest.conversationId) !== undefined) {
      await parts.manager.stop(oldest.conversationId);
    } else {
      await parts.leases.evict(oldest.conversationId);
      parts.manager.notifier.disconnectConversation(oldest.conversationId);
    }
  }
}

/** Appends a client's action to the log as the user's: the owner, wherever it runs, takes it there. */
export async function logUserAction(
  eventStreams: EventStreams,
  conversationId: string,
  action: ActionEvent,
  secrets: Readonly<Record<string, string>>,
): Promise<void> {
  const stream = eventStreams.get(conversationId);
  stream.updateSecrets(secrets);
  await stream.append([{ ...action, source: 'user' }]);
}
