/**
 * Stored V0 events for the V1 projection tests: one example of every type Parley models, the
 * timestamp they carry and a tool call's metadata.
 */
import { parseEvent } from '../../src/v0/event-parse.js';
import type { LoggedEvent } from '../../src/v1/project-v1-event.js';

export const timestamp = '2025-03-04T05:06:07.089Z';

/** A stored event: parsed like the store parses it, with an id and timestamp. */
export function logged(id: number, fields: Record<string, unknown>): LoggedEvent {
  return parseEvent({ id, timestamp, ...fields }) as LoggedEvent;
}

export const toolCallMetadata = {
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
export const examples: Record<string, LoggedEvent> = {
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
  FileEditAction: logged(17, {
    source: 'agent',
    action: 'edit',
    args: { path: '/workspace/a.txt', command: 'create', file_text: 'hello\n' },
  }),
  FileEditObservation: logged(18, {
    source: 'agent',
    cause: 17,
    observation: 'edit',
    content: 'File created successfully at: /workspace/a.txt',
    extras: {
      path: '/workspace/a.txt',
      prev_exist: false,
      old_content: null,
      new_content: 'hello\n',
    },
  }),
  FileReadAction: logged(19, {
    source: 'agent',
    action: 'read',
    args: { path: '/workspace/a.txt' },
  }),
  FileReadObservation: logged(20, {
    source: 'agent',
    cause: 19,
    observation: 'read',
    content: '     1\thello',
    extras: { path: '/workspace/a.txt' },
  }),
  MCPAction: logged(21, {
    source: 'agent',
    action: 'call_tool_mcp',
    args: { name: 'fetch', arguments: { url: 'http://example.test' } },
  }),
  MCPObservation: logged(22, {
    source: 'agent',
    cause: 21,
    observation: 'mcp',
    content: '{"text":"ok"}',
    extras: { name: 'fetch', arguments: { url: 'http://example.test' } },
  }),
};
