import { describe, expect, it } from 'vitest';
import {
  examples,
  logged,
  timestamp,
  toolCallMetadata,
} from '../../test/support/v1-projection-examples.js';
import { projectV1Event } from './project-v1-event.js';

describe('projectV1Event', () => {
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
    expect(frame).toMatchObject({ observation: { kind: 'ExecuteBashObservation', timeout: true } });
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

  it.each([
    ['Action has been rejected by the user! Reason: Not on my disk.', 'Not on my disk.'],
    ['Action has been rejected by the user!', 'User rejected the action'],
    ['Action has been rejected by the user! Reason: ', 'User rejected the action'],
    ['No, thanks', 'No, thanks'],
  ])('the rejection reason of %j is %j (upstream’s V0 wording dropped)', (content, reason) => {
    const event = logged(3, { observation: 'user_rejected', content });
    expect(projectV1Event(event)).toMatchObject({ rejection_reason: reason });
  });
});
