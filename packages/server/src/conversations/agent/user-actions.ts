import { isAction } from '@parley/protocol';
import type { StoredEvent } from '../../events/event-store.js';
import { ParleyError } from '../../shared/errors.js';

/** What a client action meets once the loop has stopped. */
export function agentStoppedError(): ParleyError {
  return new ParleyError('CONVERSATION_NOT_RUNNING', 'The agent of this conversation has stopped');
}

/** What a user's logged action can do to an agent loop. */
export interface UserActionTarget {
  /** Runs the command of a logged `run` action in the conversation's shell. */
  runCommand(action: StoredEvent, command: string): void;
  confirmationPending(): boolean;
  answerConfirmation(answer: { accepted: boolean; reason: string }): void;
  stopTurn(state: 'stopped' | 'paused'): Promise<void>;
  /** Starts a turn that answers nothing new, unless one runs. */
  resume(): void;
}

/**
 * Acts on a user action that is in the log (messages are queued by the loop itself): a `run`
 * starts its command, a `change_agent_state` answers a pending confirmation (ignored when none is
 * pending), stops or pauses the turn, or resumes the agent.
 */
export async function actOnUserAction(
  stored: StoredEvent,
  target: UserActionTarget,
): Promise<void> {
  if (!isAction(stored)) return;
  if (stored.action === 'run') {
    target.runCommand(stored, stored.args.command);
    return;
  }
  if (stored.action !== 'change_agent_state') return;
  const state = stored.args.agent_state;
  if (state === 'user_confirmed' || state === 'user_rejected') {
    if (!target.confirmationPending()) return;
    target.answerConfirmation({
      accepted: state === 'user_confirmed',
      reason: stored.args.thought ?? '',
    });
  } else if (state === 'stopped' || state === 'paused') await target.stopTurn(state);
  else if (state === 'running') target.resume();
}
