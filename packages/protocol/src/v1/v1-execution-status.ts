import { z } from 'zod';
import type { AgentState } from '../v0/agent-state.js';

/** The sdk's `ConversationExecutionStatus` values. */
export const v1ExecutionStatuses = [
  'idle',
  'running',
  'paused',
  'waiting_for_confirmation',
  'finished',
  'error',
  'stuck',
  'deleting',
] as const;

export const v1ExecutionStatusSchema = z.enum(v1ExecutionStatuses);

export type V1ExecutionStatus = z.output<typeof v1ExecutionStatusSchema>;

/**
 * How a V0 agent state reads as a V1 execution status. The V1 web client turns the status back into
 * an agent state (idle → awaiting_user_input, running → running, paused → paused,
 * waiting_for_confirmation → awaiting_user_confirmation, finished → finished, error and stuck →
 * error), so the states that have an exact inverse use it. The others:
 *
 * - `loading`: idle, the sdk's initial status (nothing has run yet);
 * - `stopped`: paused, since V1 has no "stopped" and a stop there is a pause that the next message
 *   resumes, which is also what a V0 stop means;
 * - `rejected` (the agent gave up on the task): finished, its turn is over and it is not a fault;
 * - `user_confirmed` and `rate_limited`: running, the agent is still at work (executing the
 *   confirmed action, or waiting out a provider's limit before retrying);
 * - `user_rejected`: idle, the agent waits for the user's next instruction.
 */
const executionStatusByAgentState: Readonly<Record<AgentState, V1ExecutionStatus>> = {
  loading: 'idle',
  running: 'running',
  awaiting_user_input: 'idle',
  paused: 'paused',
  stopped: 'paused',
  finished: 'finished',
  rejected: 'finished',
  error: 'error',
  awaiting_user_confirmation: 'waiting_for_confirmation',
  user_confirmed: 'running',
  user_rejected: 'idle',
  rate_limited: 'running',
};

export function executionStatusForAgentState(state: AgentState): V1ExecutionStatus {
  return executionStatusByAgentState[state];
}
