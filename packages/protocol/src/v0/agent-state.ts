import { z } from 'zod';

/** Upstream `AgentState` values (`openhands/core/schema/agent.py`), in upstream order. */
export const agentStates = [
  'loading',
  'running',
  'awaiting_user_input',
  'paused',
  'stopped',
  'finished',
  'rejected',
  'error',
  'awaiting_user_confirmation',
  'user_confirmed',
  'user_rejected',
  'rate_limited',
] as const;

export const agentStateSchema = z.enum(agentStates);

export type AgentState = z.infer<typeof agentStateSchema>;
