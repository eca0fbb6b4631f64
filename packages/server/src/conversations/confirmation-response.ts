import { isObservation, parseIncomingAction, type AgentState } from '@parley/protocol';
import { ParleyError } from '../shared/errors.js';
import type { ConversationService } from './conversation-service.js';

/** The user's answer to the action waiting for confirmation (confirmation mode). */
export interface ConfirmationAnswer {
  accept: boolean;
  /** Why the action is rejected; ignored when it is accepted. */
  reason?: string | undefined;
}

/**
 * Answers the action waiting for confirmation (the V1 agent-server's `respond_to_confirmation`):
 * hands the conversation a `change_agent_state` action with `user_confirmed`, or `user_rejected`
 * with the reason as its `thought`, through the same dispatch path as the sockets' actions. What
 * the agent does with it is the loop's business.
 *
 * Refused with `AGENT_NOT_AWAITING_CONFIRMATION` (409), changing nothing, unless the conversation's loop
 * runs and its latest logged agent state is `awaiting_user_confirmation` (the state its clients
 * were shown). Another user's conversation is `CONVERSATION_NOT_FOUND`, as everywhere.
 */
export async function respondToConfirmation(
  service: ConversationService,
  userId: string,
  conversationId: string,
  answer: ConfirmationAnswer,
  signal?: AbortSignal,
): Promise<void> {
  const view = await service.get(userId, conversationId, signal);
  if (view === undefined) {
    throw new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
  }
  if (view.loop.status === 'STOPPED') {
    throw notPending('the agent of this conversation is not running');
  }
  const state = await latestAgentState(service, userId, conversationId, signal);
  if (state !== 'awaiting_user_confirmation') {
    throw notPending(
      state === undefined ? 'the agent has not started' : `the agent's state is ${state}`,
    );
  }
  const reason = answer.reason ?? '';
  const action = parseIncomingAction({
    action: 'change_agent_state',
    args: {
      agent_state: answer.accept ? 'user_confirmed' : 'user_rejected',
      ...(answer.accept || reason === '' ? {} : { thought: reason }),
    },
  });
  await service.dispatchAction(userId, conversationId, action, signal);
}

async function latestAgentState(
  service: ConversationService,
  userId: string,
  conversationId: string,
  signal: AbortSignal | undefined,
): Promise<AgentState | undefined> {
  const { events } = await service.searchEvents(userId, conversationId, {
    reverse: true,
    limit: 1,
    filter: { includeTypes: ['AgentStateChangedObservation'] },
    signal,
  });
  const [latest] = events;
  if (latest === undefined || !isObservation(latest)) return undefined;
  return latest.observation === 'agent_state_changed' ? latest.extras.agent_state : undefined;
}

function notPending(why: string): ParleyError {
  return new ParleyError(
    'AGENT_NOT_AWAITING_CONFIRMATION',
    `No action is waiting for confirmation: ${why}`,
  );
}
