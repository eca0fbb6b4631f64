import { describe, expect, it } from 'vitest';
import { agentStates } from '../v0/agent-state.js';
import { parseEvent } from '../v0/event-parse.js';
import { eventTypeName, eventTypeNames } from '../v0/event-type-names.js';
import {
  projectV1Event,
  v0TypeNamesForV1Kind,
  v1EventKinds,
  v1HistoryTypeNames,
  type LoggedEvent,
} from './project-v1-event.js';
import { v1EventSchema } from './v1-events.js';
import { executionStatusForAgentState, v1ExecutionStatuses } from './v1-execution-status.js';

const timestamp = '2025-03-04T05:06:07.089Z';

/** A stored event: parsed like the store parses it, with an id and timestamp. */
function logged(id: number, fields: Record<string, unknown>): LoggedEvent {
  return parseEvent({ id, timestamp, ...fields }) as LoggedEvent;
}

const toolCallMetadata = {
  function_name: 'execute_bash',
  tool_call_id: 'call_42',
  model_response: {
    id: 'chatcmpl-7',
    choices: [
      {
        message: {
          tool_calls: [
            { id: 'call_other', function: { arguments: '{"command":"pwd"}' } },
            { id: 'call_42', function: { arguments: '{"command": "ls -la"}' } },
          ],
        },
      },
    ],
  },
  total_calls_in_response: 2,
};

/** One stored example of every V0 type Parley models. */
const examples: Record<string, LoggedEvent> = {
  MessageAction: logged(1, {
    source: 'user',
    message: 'hi',
    action: 'message',
    args: { content: 'hi', image_urls: [], file_urls: [] },
  }),
  SystemMessageAction: logged(2, {
    source: 'agent',
    action: 'system',
    args: { content: 'You are helpful.', tools: [{ name: 'execute_bash' }] },
  }),
  ChangeAgentStateAction: logged(3, {
    source: 'user',
    action: 'change_agent_state',
    args: { agent_state: 'stopped' },
  }),
  CmdRunAction: logged(4, { source: 'agent', action: 'run', args: { command: 'ls' } }),
  AgentFinishAction: logged(5, {
    source: 'agent',
    action: 'finish',
    args: { final_thought: 'Done.' },
  }),
  RecallAction: logged(6, { source: 'user', action: 'recall', args: { query: 'hi' } }),
  NullAction: logged(7, { source: 'agent', action: 'null', args: {} }),
  AgentStateChangedObservation: logged(8, {
    source: 'environment',
    observation: 'agent_state_changed',
    extras: { agent_state: 'running' },
  }),
  ErrorObservation: logged(9, { source: 'agent', observation: 'error', content: 'boom' }),
  CmdOutputObservation: logged(10, {
    source: 'agent',
    cause: 4,
    observation: 'run',
    content: 'a\nb',
    extras: { command: 'ls', metadata: { exit_code: 0 } },
    success: true,
  }),
  UserRejectObservation: logged(11, {
    source: 'user',
    cause: 4,
    observation: 'user_rejected',
    content: 'not that',
  }),
  RecallObservation: logged(12, { source: 'environment', observation: 'recall', extras: {} }),
  NullObservation: logged(13, { source: 'agent', observation: 'null', extras: {} }),
  StreamingDelta: logged(14, { source: 'agent', streaming_delta: { content: 'Hel' } }),
  AgentThinkAction: logged(15, { source: 'agent', action: 'think', args: { thought: 'plan' } }),
  AgentThinkObservation: logged(16, { source: 'agent', cause: 15, observation: 'think' }),
};

describe('projectV1Event', () => {
  it('has an example of every V0 type', () => {
    expect(Object.keys(examples).sort()).toEqual([...eventTypeNames].sort());
    for (const [name, event] of Object.entries(examples)) expect(eventTypeName(event)).toBe(name);
  });

  it('projects exactly the types of the kind table, each to its kind', () => {
    for (const [name, event] of Object.entries(examples)) {
      const frame = projectV1Event(event);
      const kind = v1EventKinds.find((candidate) =>
        v0TypeNamesForV1Kind(candidate).some((typeName) => typeName === name),
      );
      expect({ name, kind: frame?.kind }).toEqual({ name, kind });
    }
  });

  it('gives every frame the log id as a string, the stored timestamp and a known source', () => {
    for (const event of Object.values(examples)) {
      const frame = projectV1Event(event);
      if (frame === undefined) continue;
      expect(frame.id).toBe(String(event.id));
      expect(frame.timestamp).toBe(timestamp);
      expect(['agent', 'user', 'environment']).toContain(frame.source);
    }
  });

  it('produces frames its own schema reads back unchanged, JSON included', () => {
    for (const event of Object.values(examples)) {
      const frame = projectV1Event(event);
      if (frame === undefined) continue;
      expect(v1EventSchema.parse(frame)).toEqual(frame);
      expect(v1EventSchema.parse(JSON.parse(JSON.stringify(frame)))).toEqual(frame);
    }
  });

  it('user message → MessageEvent with the user role and image parts', () => {
    const event = logged(0, {
      source: 'user',
      message: 'look',
      action: 'message',
      args: { content: 'look', image_urls: ['https://x/a.png', 'https://x/b.png'] },
    });
    expect(projectV1Event(event)).toEqual({
      kind: 'MessageEvent',
      id: '0',
      timestamp,
      source: 'user',
      llm_message: {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image', image_urls: ['https://x/a.png', 'https://x/b.png'] },
        ],
      },
      activated_skills: [],
      extended_content: [],
    });
  });

  it('agent message → MessageEvent with the assistant role and no image part', () => {
    const event = logged(3, { source: 'agent', action: 'message', args: { content: 'Hello!' } });
    expect(projectV1Event(event)).toMatchObject({
      kind: 'MessageEvent',
      id: '3',
      source: 'agent',
      llm_message: { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
    });
  });

  it('finish → an agent MessageEvent with the final thought, else the thought, else the message', () => {
    const text = (args: Record<string, unknown>, message?: string) => {
      const frame = projectV1Event(
        logged(5, { source: 'agent', action: 'finish', args, ...(message ? { message } : {}) }),
      );
      expect(frame).toMatchObject({ kind: 'MessageEvent', source: 'agent' });
      return frame?.kind === 'MessageEvent' ? frame.llm_message : undefined;
    };
    expect(text({ final_thought: 'All set', thought: 'hmm' })).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'All set' }],
    });
    expect(text({ final_thought: '', thought: 'thinking done' })?.content).toEqual([
      { type: 'text', text: 'thinking done' },
    ]);
    expect(text({}, 'Finished.')?.content).toEqual([{ type: 'text', text: 'Finished.' }]);
    expect(text({})?.content).toEqual([{ type: 'text', text: '' }]);
  });

  it('run action without tool metadata → ActionEvent with ExecuteBashAction and no call ids', () => {
    const event = logged(4, {
      source: 'user',
      action: 'run',
      args: { command: 'npm test', is_input: false },
      timeout: 30,
    });
    expect(projectV1Event(event)).toEqual({
      kind: 'ActionEvent',
      id: '4',
      timestamp,
      source: 'user',
      thought: [],
      thinking_blocks: [],
      action: {
        kind: 'ExecuteBashAction',
        command: 'npm test',
        is_input: false,
        timeout: 30,
        reset: false,
      },
      tool_name: 'execute_bash',
      security_risk: 'UNKNOWN',
    });
  });

  it('run action with tool metadata → thought, tool call with the model’s arguments, response id, risk', () => {
    const event = logged(6, {
      source: 'agent',
      action: 'run',
      args: { command: 'ls -la', is_input: true, thought: 'Let me look.', security_risk: 2 },
      tool_call_metadata: toolCallMetadata,
    });
    expect(projectV1Event(event)).toEqual({
      kind: 'ActionEvent',
      id: '6',
      timestamp,
      source: 'agent',
      thought: [{ type: 'text', text: 'Let me look.' }],
      thinking_blocks: [],
      action: {
        kind: 'ExecuteBashAction',
        command: 'ls -la',
        is_input: true,
        timeout: null,
        reset: false,
      },
      tool_name: 'execute_bash',
      tool_call_id: 'call_42',
      tool_call: {
        id: 'call_42',
        name: 'execute_bash',
        arguments: '{"command": "ls -la"}',
        origin: 'completion',
      },
      llm_response_id: 'chatcmpl-7',
      security_risk: 'HIGH',
    });
  });

  it('run action whose call is missing from the stored response → arguments from the action', () => {
    const event = logged(6, {
      source: 'agent',
      action: 'run',
      args: { command: 'echo hi' },
      tool_call_metadata: { ...toolCallMetadata, tool_call_id: 'call_gone', model_response: {} },
    });
    const frame = projectV1Event(event);
    expect(frame?.kind === 'ActionEvent' ? frame.tool_call : undefined).toEqual({
      id: 'call_gone',
      name: 'execute_bash',
      arguments: '{"command":"echo hi","is_input":false}',
      origin: 'completion',
    });
    expect(frame).not.toHaveProperty('llm_response_id');
  });

  it.each([
    [-1, 'UNKNOWN'],
    [0, 'LOW'],
    [1, 'MEDIUM'],
    [2, 'HIGH'],
  ] as const)('security risk %i → %s', (risk, name) => {
    const event = logged(1, {
      action: 'run',
      args: { command: 'rm -rf build', security_risk: risk },
    });
    expect(projectV1Event(event)).toMatchObject({ security_risk: name });
  });

  it('run observation → ObservationEvent from the environment, action_id from cause', () => {
    const event = logged(7, {
      source: 'agent',
      cause: 6,
      observation: 'run',
      content: 'PASS  tests/example.test.js',
      extras: {
        command: 'npm test',
        metadata: { exit_code: 1, pid: 12, working_dir: '/workspace' },
      },
      success: false,
      tool_call_metadata: toolCallMetadata,
    });
    expect(projectV1Event(event)).toEqual({
      kind: 'ObservationEvent',
      id: '7',
      timestamp,
      source: 'environment',
      tool_name: 'execute_bash',
      tool_call_id: 'call_42',
      observation: {
        kind: 'ExecuteBashObservation',
        output: 'PASS  tests/example.test.js',
        command: 'npm test',
        exit_code: 1,
        error: true,
        timeout: false,
        metadata: { exit_code: 1, pid: 12, working_dir: '/workspace' },
      },
      action_id: '6',
    });
  });

  it('run observation without metadata, cause or success: null exit code, no ids, no error', () => {
    const event = logged(2, { observation: 'run', content: '', extras: { command: 'sleep 999' } });
    expect(projectV1Event(event)).toEqual({
      kind: 'ObservationEvent',
      id: '2',
      timestamp,
      source: 'environment',
      tool_name: 'execute_bash',
      observation: {
        kind: 'ExecuteBashObservation',
        output: '',
        command: 'sleep 999',
        exit_code: null,
        error: false,
        timeout: false,
        metadata: {},
      },
    });
  });

  it('a run observation with exit code -1 (still running) is a timeout', () => {
    const event = logged(2, {
      observation: 'run',
      content: '',
      extras: { command: 'sleep 999', metadata: { exit_code: -1 } },
    });
    const frame = projectV1Event(event);
    expect(frame?.kind === 'ObservationEvent' ? frame.observation.timeout : undefined).toBe(true);
  });

  it('error observation → AgentErrorEvent from the agent, with tool ids when known', () => {
    expect(
      projectV1Event(
        logged(9, {
          source: 'environment',
          observation: 'error',
          content: 'Failed to execute command: Permission denied',
          tool_call_metadata: { ...toolCallMetadata, function_name: 'str_replace_editor' },
        }),
      ),
    ).toEqual({
      kind: 'AgentErrorEvent',
      id: '9',
      timestamp,
      source: 'agent',
      tool_name: 'str_replace_editor',
      tool_call_id: 'call_42',
      error: 'Failed to execute command: Permission denied',
    });
    expect(projectV1Event(examples['ErrorObservation']!)).toEqual({
      kind: 'AgentErrorEvent',
      id: '9',
      timestamp,
      source: 'agent',
      error: 'boom',
    });
  });

  it('user_rejected observation → UserRejectObservation with a reason and action_id', () => {
    expect(projectV1Event(examples['UserRejectObservation']!)).toEqual({
      kind: 'UserRejectObservation',
      id: '11',
      timestamp,
      source: 'environment',
      tool_name: 'execute_bash',
      rejection_reason: 'not that',
      action_id: '4',
    });
    const silent = logged(3, { observation: 'user_rejected', content: '' });
    expect(projectV1Event(silent)).toMatchObject({ rejection_reason: 'User rejected the action' });
  });

  it('system action → SystemPromptEvent with the prompt text and the tools', () => {
    expect(projectV1Event(examples['SystemMessageAction']!)).toEqual({
      kind: 'SystemPromptEvent',
      id: '2',
      timestamp,
      source: 'agent',
      system_prompt: { type: 'text', text: 'You are helpful.' },
      tools: [{ name: 'execute_bash' }],
    });
  });

  it('agent_state_changed → ConversationStateUpdateEvent execution_status', () => {
    expect(projectV1Event(examples['AgentStateChangedObservation']!)).toEqual({
      kind: 'ConversationStateUpdateEvent',
      id: '8',
      timestamp,
      source: 'environment',
      key: 'execution_status',
      value: 'running',
    });
  });

  it('streaming delta → StreamingDeltaEvent, reasoning null when absent', () => {
    expect(projectV1Event(examples['StreamingDelta']!)).toEqual({
      kind: 'StreamingDeltaEvent',
      id: '14',
      timestamp,
      source: 'agent',
      content: 'Hel',
      reasoning_content: null,
    });
    const reasoning = logged(15, { streaming_delta: { content: '', reasoning_content: 'so' } });
    expect(projectV1Event(reasoning)).toMatchObject({ content: '', reasoning_content: 'so' });
  });

  it('null, recall and change_agent_state entries have no V1 form', () => {
    for (const name of [
      'NullAction',
      'NullObservation',
      'RecallAction',
      'RecallObservation',
      'ChangeAgentStateAction',
    ]) {
      expect({ name, frame: projectV1Event(examples[name]!) }).toEqual({ name, frame: undefined });
    }
  });

  it('falls back to the sender a kind implies when the source is missing', () => {
    const message = logged(0, { action: 'message', args: { content: 'x' } });
    expect(projectV1Event(message)).toMatchObject({
      source: 'user',
      llm_message: { role: 'user' },
    });
    const run = logged(0, { action: 'run', args: { command: 'x' } });
    expect(projectV1Event(run)).toMatchObject({ source: 'agent' });
  });

  it('does not share arrays with the stored event', () => {
    const event = logged(0, {
      source: 'user',
      action: 'message',
      args: { content: 'x', image_urls: ['u'] },
    });
    const frame = projectV1Event(event);
    const images = frame?.kind === 'MessageEvent' ? frame.llm_message.content[1] : undefined;
    expect(images).toEqual({ type: 'image', image_urls: ['u'] });
    if (images?.type === 'image') images.image_urls.push('v');
    expect(event).toMatchObject({ args: { image_urls: ['u'] } });
  });
});

describe('V1 kinds and V0 type names', () => {
  it('maps unknown kinds to nothing', () => {
    expect(v0TypeNamesForV1Kind('Nope')).toEqual([]);
    expect(v0TypeNamesForV1Kind('toString')).toEqual([]);
    expect(v0TypeNamesForV1Kind('MessageEvent')).toEqual(['MessageAction', 'AgentFinishAction']);
  });

  it('keeps streaming deltas out of the history and every other projectable type in', () => {
    const projectable = Object.entries(examples)
      .filter(([, event]) => projectV1Event(event) !== undefined)
      .map(([name]) => name);
    expect([...v1HistoryTypeNames].sort()).toEqual(
      projectable.filter((name) => name !== 'StreamingDelta').sort(),
    );
  });
});

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
