import { describe, expect, it } from 'vitest';
import {
  examples,
  logged,
  timestamp,
  toolCallMetadata,
} from '../../test/support/v1-projection-examples.js';
import { projectV1Event } from './project-v1-event.js';
import { v1EventSchema } from './v1-events.js';

const editorMetadata = {
  ...toolCallMetadata,
  function_name: 'str_replace_editor',
  tool_call_id: 'call_edit',
  model_response: {},
};

const diff = '--- /workspace/a.txt\n+++ /workspace/a.txt\n@@ -1 +1 @@\n-hello\n+hello world\n';

describe('projectV1Event: the file editor', () => {
  it('edit action → ActionEvent with a FileEditorAction, tool call arguments from the action', () => {
    const event = logged(17, {
      source: 'agent',
      action: 'edit',
      args: {
        path: '/workspace/a.txt',
        command: 'str_replace',
        old_str: 'hello',
        new_str: 'hello world',
        thought: 'Greet the world.',
        security_risk: 0,
      },
      tool_call_metadata: editorMetadata,
    });
    expect(projectV1Event(event)).toEqual({
      kind: 'ActionEvent',
      id: '17',
      timestamp,
      source: 'agent',
      thought: [{ type: 'text', text: 'Greet the world.' }],
      thinking_blocks: [],
      action: {
        kind: 'FileEditorAction',
        command: 'str_replace',
        path: '/workspace/a.txt',
        file_text: null,
        old_str: 'hello',
        new_str: 'hello world',
        insert_line: null,
        view_range: null,
      },
      tool_name: 'str_replace_editor',
      tool_call_id: 'call_edit',
      tool_call: {
        id: 'call_edit',
        name: 'str_replace_editor',
        arguments:
          '{"command":"str_replace","path":"/workspace/a.txt","old_str":"hello","new_str":"hello world"}',
        origin: 'completion',
      },
      security_risk: 'LOW',
    });
  });

  it.each([
    ['create', { command: 'create', file_text: 'x\n' }, 'create'],
    ['insert', { command: 'insert', new_str: 'x', insert_line: 3 }, 'insert'],
    ['undo_edit', { command: 'undo_edit' }, 'undo_edit'],
    ['no editor command', { content: 'x', start: 1, end: 2 }, 'str_replace'],
  ])('edit action with %s → command %s', (_name, args, command) => {
    const frame = projectV1Event(
      logged(1, { action: 'edit', args: { path: '/workspace/b', ...args } }),
    );
    expect(frame).toMatchObject({ tool_name: 'str_replace_editor', action: { command } });
    expect(v1EventSchema.parse(frame)).toEqual(frame);
  });

  it('edit observation → FileEditorObservation with the contents, the diff and action_id', () => {
    const event = logged(18, {
      source: 'agent',
      cause: 17,
      observation: 'edit',
      content: 'The file /workspace/a.txt has been edited.',
      extras: {
        path: '/workspace/a.txt',
        prev_exist: true,
        old_content: 'hello\n',
        new_content: 'hello world\n',
        impl_source: 'oh_aci',
        diff,
      },
      tool_call_metadata: editorMetadata,
    });
    expect(projectV1Event(event)).toEqual({
      kind: 'ObservationEvent',
      id: '18',
      timestamp,
      source: 'environment',
      tool_name: 'str_replace_editor',
      tool_call_id: 'call_edit',
      observation: {
        kind: 'FileEditorObservation',
        command: 'str_replace',
        output: 'The file /workspace/a.txt has been edited.',
        path: '/workspace/a.txt',
        prev_exist: true,
        old_content: 'hello\n',
        new_content: 'hello world\n',
        error: null,
        diff,
      },
      action_id: '17',
    });
  });

  it('a created file reads as create; extras.command, when logged, says which command it was', () => {
    expect(projectV1Event(examples['FileEditObservation']!)).toMatchObject({
      tool_name: 'str_replace_editor',
      observation: { command: 'create', prev_exist: false, old_content: null, diff: null },
    });
    const inserted = logged(3, {
      observation: 'edit',
      extras: { path: '/workspace/a', command: 'insert', old_content: 'a', new_content: 'ab' },
    });
    expect(projectV1Event(inserted)).toMatchObject({
      observation: { command: 'insert', prev_exist: true, output: '' },
    });
    const unknown = logged(3, {
      observation: 'edit',
      extras: { path: '/workspace/a', command: 'explode' },
    });
    expect(projectV1Event(unknown)).toMatchObject({ observation: { command: 'str_replace' } });
  });

  it('read action and observation → a FileEditorAction and FileEditorObservation of command view', () => {
    const read = logged(19, {
      source: 'agent',
      action: 'read',
      args: { path: '/workspace/a.txt', view_range: [2, 5] },
    });
    expect(projectV1Event(read)).toMatchObject({
      kind: 'ActionEvent',
      tool_name: 'str_replace_editor',
      action: {
        kind: 'FileEditorAction',
        command: 'view',
        path: '/workspace/a.txt',
        view_range: [2, 5],
        file_text: null,
      },
    });
    expect(projectV1Event(examples['FileReadObservation']!)).toEqual({
      kind: 'ObservationEvent',
      id: '20',
      timestamp,
      source: 'environment',
      tool_name: 'str_replace_editor',
      observation: {
        kind: 'FileEditorObservation',
        command: 'view',
        output: '     1\thello',
        path: '/workspace/a.txt',
        prev_exist: true,
        old_content: null,
        new_content: null,
        error: null,
        diff: null,
      },
      action_id: '19',
    });
  });

  it('a read without tool metadata falls back to arguments built from the action', () => {
    const read = logged(4, {
      action: 'read',
      args: { path: '/workspace/a.txt' },
      tool_call_metadata: { ...editorMetadata, tool_call_id: 'call_view' },
    });
    const frame = projectV1Event(read);
    expect(frame?.kind === 'ActionEvent' ? frame.tool_call?.arguments : undefined).toBe(
      '{"command":"view","path":"/workspace/a.txt"}',
    );
  });
});

describe('projectV1Event: MCP tools', () => {
  it('call_tool_mcp → ActionEvent with an MCPToolAction named after the MCP tool', () => {
    expect(projectV1Event(examples['MCPAction']!)).toEqual({
      kind: 'ActionEvent',
      id: '21',
      timestamp,
      source: 'agent',
      thought: [],
      thinking_blocks: [],
      action: { kind: 'MCPToolAction', data: { url: 'http://example.test' } },
      tool_name: 'fetch',
      security_risk: 'UNKNOWN',
    });
    const withCall = logged(5, {
      action: 'call_tool_mcp',
      args: { name: 'add', arguments: { a: 1, b: 2 } },
      tool_call_metadata: { ...toolCallMetadata, function_name: 'add', model_response: {} },
    });
    expect(projectV1Event(withCall)).toMatchObject({
      tool_name: 'add',
      tool_call: { name: 'add', arguments: '{"a":1,"b":2}' },
    });
    const noArguments = logged(6, { action: 'call_tool_mcp', args: { name: 'now' } });
    expect(projectV1Event(noArguments)).toMatchObject({ action: { data: {} } });
  });

  it('mcp observation → MCPToolObservation with the result text and the tool name', () => {
    expect(projectV1Event(examples['MCPObservation']!)).toEqual({
      kind: 'ObservationEvent',
      id: '22',
      timestamp,
      source: 'environment',
      tool_name: 'fetch',
      observation: {
        kind: 'MCPToolObservation',
        content: [{ type: 'text', text: '{"text":"ok"}' }],
        is_error: false,
        tool_name: 'fetch',
      },
      action_id: '21',
    });
  });

  it.each([
    ['{"content":[{"type":"text","text":"no"}],"isError":true}', true],
    ['{"content":[],"isError":false}', false],
    ['{"isError":"yes"}', false],
    ['not json', false],
    ['null', false],
  ])('result %s → is_error %s', (content, isError) => {
    const event = logged(2, { observation: 'mcp', content, extras: { name: 'x' } });
    expect(projectV1Event(event)).toMatchObject({ observation: { is_error: isError } });
  });

  it('an mcp observation without a name takes the tool call’s', () => {
    const event = logged(2, {
      observation: 'mcp',
      content: '{}',
      tool_call_metadata: { ...toolCallMetadata, function_name: 'echo' },
    });
    expect(projectV1Event(event)).toMatchObject({
      tool_name: 'echo',
      observation: { tool_name: 'echo' },
    });
  });
});

describe('projectV1Event: confirmation and live command output', () => {
  it.each(['run', 'edit', 'read', 'call_tool_mcp'] as const)(
    'a %s action awaiting confirmation carries confirmation_state',
    (action) => {
      const args = {
        run: { command: 'rm -rf build' },
        edit: { path: '/workspace/a', command: 'create', file_text: '' },
        read: { path: '/workspace/a' },
        call_tool_mcp: { name: 'fetch' },
      }[action];
      const event = logged(4, {
        action,
        args: { ...args, confirmation_state: 'awaiting_confirmation' },
      });
      const frame = projectV1Event(event);
      expect(frame).toMatchObject({ confirmation_state: 'awaiting_confirmation' });
      expect(v1EventSchema.parse(frame)).toEqual(frame);
    },
  );

  it('an action without a confirmation state has no confirmation_state key', () => {
    expect(projectV1Event(examples['CmdRunAction']!)).not.toHaveProperty('confirmation_state');
  });

  it('a streaming delta with a cause is output of that action: action_id', () => {
    const event = logged(30, { source: 'agent', cause: 4, streaming_delta: { content: 'hel' } });
    expect(projectV1Event(event)).toEqual({
      kind: 'StreamingDeltaEvent',
      id: '30',
      timestamp,
      source: 'agent',
      content: 'hel',
      reasoning_content: null,
      action_id: '4',
    });
    expect(projectV1Event(examples['StreamingDelta']!)).not.toHaveProperty('action_id');
  });

  it('an error observation caused by an action names it as action_id', () => {
    const event = logged(9, { observation: 'error', content: 'No sandbox', cause: 4 });
    expect(projectV1Event(event)).toMatchObject({ kind: 'AgentErrorEvent', action_id: '4' });
  });
});
