/**
 * V0 events for the serialization tests: one sample of every type Parley models (with the
 * timestamp, a full `llm_metrics` dump and a tool call's metadata they carry), and the round trip
 * through the wire form.
 */
import { parseEvent } from '../../src/v0/event-parse.js';
import { serializeEvent } from '../../src/v0/event-serialize.js';
import type { LlmMetrics } from '../../src/v0/llm-metrics.js';
import type { ParleyEvent } from '../../src/v0/parley-event.js';
import type { ToolCallMetadata } from '../../src/v0/tool-call-metadata.js';

export const timestamp = '2025-06-01T12:34:56.123456';

export const fullMetrics: LlmMetrics = {
  accumulated_cost: 0.0125,
  max_budget_per_task: 5,
  accumulated_token_usage: {
    model: 'gpt-4o',
    prompt_tokens: 1200,
    completion_tokens: 300,
    cache_read_tokens: 100,
    cache_write_tokens: 50,
    context_window: 128000,
    per_turn_token: 1500,
    response_id: 'resp-2',
  },
  costs: [{ model: 'gpt-4o', cost: 0.0125, timestamp: 1748781296.5 }],
  response_latencies: [{ model: 'gpt-4o', latency: 1.25, response_id: 'resp-2' }],
  token_usages: [
    {
      model: 'gpt-4o',
      prompt_tokens: 1200,
      completion_tokens: 300,
      cache_read_tokens: 100,
      cache_write_tokens: 50,
      context_window: 128000,
      per_turn_token: 1500,
      response_id: 'resp-2',
    },
  ],
};

export const toolCallMetadata: ToolCallMetadata = {
  function_name: 'execute_bash',
  tool_call_id: 'call_1',
  model_response: { id: 'resp-2', choices: [{ index: 0 }] },
  total_calls_in_response: 1,
};

/** One fully populated event of every kind and type. */
export const samples: readonly ParleyEvent[] = [
  {
    id: 1,
    timestamp,
    source: 'user',
    message: 'Hello',
    action: 'message',
    args: {
      content: 'Hello',
      file_urls: ['/workspace/a.txt'],
      image_urls: null,
      wait_for_response: false,
      security_risk: -1,
    },
  },
  {
    id: 0,
    timestamp,
    source: 'agent',
    message: 'You are a helpful agent.',
    action: 'system',
    args: {
      content: 'You are a helpful agent.',
      tools: [{ type: 'function', function: { name: 'execute_bash' } }],
      openhands_version: '0.59.0',
      agent_class: 'CodeActAgent',
    },
  },
  {
    id: 2,
    timestamp,
    source: 'environment',
    message: 'Agent state changed to running',
    action: 'change_agent_state',
    args: { agent_state: 'running', thought: '' },
  },
  {
    id: 3,
    timestamp,
    source: 'agent',
    message: 'Running command: ls -la',
    cause: 1,
    action: 'run',
    tool_call_metadata: toolCallMetadata,
    llm_metrics: fullMetrics,
    args: {
      command: 'ls -la',
      is_input: false,
      thought: 'Look around first.',
      blocking: true,
      is_static: false,
      cwd: null,
      hidden: false,
      confirmation_state: 'confirmed',
      security_risk: 0,
    },
    timeout: 120,
  },
  {
    id: 4,
    timestamp,
    source: 'agent',
    message: 'Done.',
    action: 'finish',
    args: { final_thought: 'All good', outputs: { content: 'ok' }, thought: 'Done.' },
  },
  {
    id: 5,
    timestamp,
    source: 'user',
    message: 'Retrieving content for: fix the build',
    action: 'recall',
    args: { recall_type: 'workspace_context', query: 'fix the build', thought: '' },
  },
  { id: 6, timestamp, source: 'agent', message: 'No action', action: 'null', args: {} },
  {
    id: 7,
    timestamp,
    source: 'environment',
    message: '',
    observation: 'agent_state_changed',
    content: '',
    extras: { agent_state: 'awaiting_user_input', reason: '' },
  },
  {
    id: 8,
    timestamp,
    source: 'agent',
    message: 'Boom',
    cause: 3,
    observation: 'error',
    content: 'Boom',
    extras: { error_id: 'AGENT_ERROR$BAD_ACTION' },
  },
  {
    id: 9,
    timestamp,
    source: 'agent',
    message: 'Command `ls -la` executed with exit code 0.',
    cause: 3,
    observation: 'run',
    tool_call_metadata: toolCallMetadata,
    content: 'total 0',
    extras: {
      command: 'ls -la',
      metadata: {
        exit_code: 0,
        pid: 42,
        username: 'openhands',
        hostname: 'sandbox',
        working_dir: '/workspace',
        py_interpreter_path: null,
        prefix: '',
        suffix: '',
      },
      hidden: false,
    },
    success: true,
  },
  {
    id: 10,
    timestamp,
    source: 'user',
    message: 'Rejected',
    observation: 'user_rejected',
    content: 'Rejected',
    extras: {},
  },
  {
    id: 11,
    timestamp,
    source: 'environment',
    message: 'Added workspace context',
    cause: 5,
    observation: 'recall',
    content: '',
    extras: {
      recall_type: 'workspace_context',
      repo_name: 'acme/app',
      runtime_hosts: { 'http://localhost:50000': 50000 },
      microagent_knowledge: [],
    },
  },
  {
    id: 12,
    timestamp,
    source: 'agent',
    message: 'No observation',
    observation: 'null',
    content: '',
    extras: {},
  },
  {
    id: 13,
    timestamp,
    source: 'agent',
    cause: 1,
    streaming_delta: { content: 'Hel', reasoning_content: 'thinking' },
  },
];

/** Serialized, through JSON, and parsed again. */
export function roundTrip(event: ParleyEvent): ParleyEvent {
  return parseEvent(JSON.parse(JSON.stringify(serializeEvent(event))));
}
