import { describe, expect, it } from 'vitest';
import { agentStates } from '../v0/agent-state.js';
import { executionStatusForAgentState, v1ExecutionStatuses } from './v1-execution-status.js';

describe('executionStatusForAgentState', () => {
  it('maps every agent state to a V1 execution status', () => {
    for (const state of agentStates) {
      expect(v1ExecutionStatuses).toContain(executionStatusForAgentState(state));
    }
  });

  it.each([
    ['loading', 'idle'],
    ['running', 'running'],
    ['awaiting_user_input', 'idle'],
    ['paused', 'paused'],
    ['stopped', 'paused'],
    ['finished', 'finished'],
    ['rejected', 'finished'],
    ['error', 'error'],
    ['awaiting_user_confirmation', 'waiting_for_confirmation'],
    ['user_confirmed', 'running'],
    ['user_rejected', 'idle'],
    ['rate_limited', 'running'],
  ] as const)('%s → %s', (state, status) => {
    expect(executionStatusForAgentState(state)).toBe(status);
  });
});
