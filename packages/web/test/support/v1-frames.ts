/** V1 frames as Parley's V1 face sends them, for the web client's tests. */
import type {
  V1ActionEvent,
  V1AgentErrorEvent,
  V1ConversationStateUpdateEvent,
  V1ExecutionStatus,
  V1MessageEvent,
  V1ObservationEvent,
  V1StreamingDeltaEvent,
} from '@parley/protocol';

const timestamp = '2025-01-01T00:00:00.000Z';

export function messageEvent(
  id: string | number,
  source: 'user' | 'agent',
  text: string,
): V1MessageEvent {
  return {
    kind: 'MessageEvent',
    id: String(id),
    timestamp,
    source,
    llm_message: {
      role: source === 'user' ? 'user' : 'assistant',
      content: [{ type: 'text', text }],
    },
    activated_skills: [],
    extended_content: [],
  };
}

export function bashAction(id: string | number, command: string): V1ActionEvent {
  return {
    kind: 'ActionEvent',
    id: String(id),
    timestamp,
    source: 'agent',
    thought: [],
    thinking_blocks: [],
    action: { kind: 'ExecuteBashAction', command, is_input: false, timeout: null, reset: false },
    tool_name: 'execute_bash',
    tool_call_id: 'call-1',
    security_risk: 'LOW',
  };
}

export function bashObservation(id: string | number, output: string): V1ObservationEvent {
  return {
    kind: 'ObservationEvent',
    id: String(id),
    timestamp,
    source: 'environment',
    tool_name: 'execute_bash',
    tool_call_id: 'call-1',
    observation: {
      kind: 'ExecuteBashObservation',
      output,
      command: 'npm test',
      exit_code: 0,
      error: false,
      timeout: false,
      metadata: {},
    },
  };
}

export function agentError(id: string | number, error: string): V1AgentErrorEvent {
  return {
    kind: 'AgentErrorEvent',
    id: String(id),
    timestamp,
    source: 'agent',
    tool_name: 'str_replace_editor',
    tool_call_id: 'tool-call-456',
    error,
  };
}

export function statusUpdate(
  id: string | number,
  status: V1ExecutionStatus,
): V1ConversationStateUpdateEvent {
  return {
    kind: 'ConversationStateUpdateEvent',
    id: String(id),
    timestamp,
    source: 'environment',
    key: 'execution_status',
    value: status,
  };
}

export function fullState(
  status: V1ExecutionStatus,
  latestEventId: number,
  cursor = -1,
): V1ConversationStateUpdateEvent {
  return {
    kind: 'ConversationStateUpdateEvent',
    id: `state:${cursor}:00000000-0000-4000-8000-000000000000`,
    timestamp,
    source: 'environment',
    key: 'full_state',
    value: {
      id: 'conversation-1',
      conversation_id: 'conversation-1',
      execution_status: status,
      latest_event_id: latestEventId,
    },
  };
}

export function delta(
  id: string | number,
  content: string,
  reasoning: string | null = null,
): V1StreamingDeltaEvent {
  return {
    kind: 'StreamingDeltaEvent',
    id: String(id),
    timestamp,
    source: 'agent',
    content,
    reasoning_content: reasoning,
  };
}
