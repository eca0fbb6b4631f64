import type { AgentState } from './agent-state.js';
import type { AgentStateChangedObservation } from './observation-event.js';

/**
 * Upstream `AgentStateChangedObservation('', agentState, reason)` before it is stored: no id,
 * timestamp or source yet. Serialized: `{message:'', observation:'agent_state_changed', content:'',
 * extras:{agent_state, reason}}`.
 */
export function agentStateChangedObservation(
  agentState: AgentState,
  reason = '',
): AgentStateChangedObservation {
  return {
    message: '',
    observation: 'agent_state_changed',
    content: '',
    extras: { agent_state: agentState, reason },
  };
}
