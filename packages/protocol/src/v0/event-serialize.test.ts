import { describe, it, expect } from 'vitest';
import { agentStateChangedObservation } from './agent-state-changed-observation.js';
import { errorObservation } from './error-observation.js';
import { parseEvent } from './event-parse.js';
import { serializeEvent } from './event-serialize.js';
import { eventTypeName } from './event-type-names.js';
import type { LlmMetrics } from './llm-metrics.js';
import type { ParleyEvent } from './parley-event.js';
import type { ToolCallMetadata } from './tool-call-metadata.js';

const timestamp = '2025-06-01T12:34:56.123456';

const fullMetrics: LlmMetrics = {
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

const toolCallMetadata: ToolCallMetadata = {
  function_name: 'execute_bash',
  tool_call_id: 'call_1',
  model_response: { id: 'resp-2', choices: [{ index: 0 }] },
  total_calls_in_response: 1,
};

/** One fully populated event of every kind and type. */
const samples: readonly ParleyEvent[] = [
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

function roundTrip(event: ParleyEvent): ParleyEvent {
  return parseEvent(JSON.parse(JSON.stringify(serializeEvent(event))));
}

describe('serializeEvent', () => {
  it.each(samples.map((event) => [eventTypeName(event), event] as const))(
    'round-trips a full %s',
    (_name, event) => {
      expect(roundTrip(event)).toStrictEqual(event);
    },
  );

  it('round-trips minimal events too', () => {
    const minimal: readonly ParleyEvent[] = [
      { action: 'message', args: { content: '' } },
      { action: 'null', args: {} },
      { observation: 'null', content: '', extras: {} },
      { observation: 'run', content: '', extras: { command: '' } },
      { streaming_delta: { content: '' } },
    ];
    for (const event of minimal) expect(roundTrip(event)).toStrictEqual(event);
  });

  it("writes upstream's persisted NullObservation('') exactly, in TOP_KEYS order", () => {
    const event = parseEvent({
      id: 0,
      timestamp: '2025-01-01T00:00:00.000000',
      source: 'agent',
      observation: 'null',
      content: '',
      extras: {},
      message: 'No observation',
    });
    expect(JSON.stringify(serializeEvent(event))).toBe(
      '{"id":0,"timestamp":"2025-01-01T00:00:00.000000","source":"agent","message":"No observation",' +
        '"observation":"null","content":"","extras":{}}',
    );
  });

  it('writes the MessageAction of reference §4.1 in upstream order', () => {
    const event = parseEvent({
      timeout: 120,
      args: {
        content: 'Hello',
        file_urls: [],
        image_urls: [],
        wait_for_response: false,
        security_risk: -1,
      },
      action: 'message',
      cause: 3,
      message: 'Hello',
      source: 'user',
      timestamp: '2025-01-01T00:00:00.000000',
      id: 5,
    });
    expect(JSON.stringify(serializeEvent(event))).toBe(
      '{"id":5,"timestamp":"2025-01-01T00:00:00.000000","source":"user","message":"Hello","cause":3,' +
        '"action":"message","args":{"content":"Hello","file_urls":[],"image_urls":[],' +
        '"wait_for_response":false,"security_risk":-1},"timeout":120}',
    );
  });

  it.each<[string, (event: ParleyEvent) => boolean, string[]]>([
    [
      'tool_call_metadata and llm_metrics after the type, then args, then timeout',
      (event) => 'action' in event && event.action === 'run',
      [
        'id',
        'timestamp',
        'source',
        'message',
        'cause',
        'action',
        'tool_call_metadata',
        'llm_metrics',
        'args',
        'timeout',
      ],
    ],
    [
      'content, extras and success after the top keys of a run observation',
      (event) => 'observation' in event && event.observation === 'run',
      [
        'id',
        'timestamp',
        'source',
        'message',
        'cause',
        'observation',
        'tool_call_metadata',
        'content',
        'extras',
        'success',
      ],
    ],
  ])('puts %s', (_title, isSample, keys) => {
    const sample = samples.find(isSample);
    expect(sample).toBeDefined();
    if (sample === undefined) return;
    expect(Object.keys(serializeEvent(sample))).toEqual(keys);
  });

  it('writes the session-close AgentStateChangedObservation without id, timestamp or source', () => {
    expect(JSON.stringify(serializeEvent(agentStateChangedObservation('stopped')))).toBe(
      '{"message":"","observation":"agent_state_changed","content":"","extras":{"agent_state":"stopped","reason":""}}',
    );
  });

  it('builds an ErrorObservation whose message is its content', () => {
    expect(serializeEvent(errorObservation('Boom', 'E1'))).toStrictEqual({
      message: 'Boom',
      observation: 'error',
      content: 'Boom',
      extras: { error_id: 'E1' },
    });
  });

  it('omits id -1 and undefined top-level fields', () => {
    const serialized = serializeEvent({
      id: -1,
      timestamp: undefined,
      action: 'null',
      args: {},
    });
    expect(serialized).toStrictEqual({ action: 'null', args: {} });
  });

  it('writes the streaming delta last', () => {
    expect(
      JSON.stringify(
        serializeEvent({ cause: 2, streaming_delta: { content: 'Hi' }, source: 'agent', id: 9 }),
      ),
    ).toBe('{"id":9,"source":"agent","cause":2,"streaming_delta":{"content":"Hi"}}');
  });

  it('writes success only for run observations', () => {
    const run = parseEvent({
      observation: 'run',
      content: '',
      extras: { command: 'false' },
      success: false,
    });
    expect(serializeEvent(run)).toHaveProperty('success', false);

    const other = parseEvent({ observation: 'error', content: 'x', extras: {}, success: true });
    expect(other).not.toHaveProperty('success');
    expect(serializeEvent(other)).not.toHaveProperty('success');
  });
});

describe('llm_metrics', () => {
  it('round-trips a full Metrics.get() dump', () => {
    const event: ParleyEvent = {
      id: 1,
      action: 'message',
      llm_metrics: fullMetrics,
      args: { content: 'x' },
    };
    expect(roundTrip(event)).toStrictEqual(event);
  });

  it('stays absent when absent', () => {
    const event = parseEvent({ id: 1, action: 'message', args: { content: 'x' } });
    expect(event).not.toHaveProperty('llm_metrics');
    expect(serializeEvent(event)).not.toHaveProperty('llm_metrics');
  });

  it('fills missing fields with upstream defaults', () => {
    const event = parseEvent({
      action: 'message',
      args: { content: 'x' },
      llm_metrics: { accumulated_cost: 0.5, token_usages: [{ model: 'm', prompt_tokens: 3 }] },
    });
    expect(event).toHaveProperty('llm_metrics');
    expect('llm_metrics' in event && event.llm_metrics).toStrictEqual({
      accumulated_cost: 0.5,
      max_budget_per_task: null,
      accumulated_token_usage: {
        model: '',
        prompt_tokens: 0,
        completion_tokens: 0,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        context_window: 0,
        per_turn_token: 0,
        response_id: '',
      },
      costs: [],
      response_latencies: [],
      token_usages: [
        {
          model: 'm',
          prompt_tokens: 3,
          completion_tokens: 0,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          context_window: 0,
          per_turn_token: 0,
          response_id: '',
        },
      ],
    });
  });

  it('rejects a negative accumulated cost', () => {
    expect(() =>
      parseEvent({ action: 'null', args: {}, llm_metrics: { accumulated_cost: -1 } }),
    ).toThrow('Invalid event: llm_metrics.accumulated_cost:');
  });
});
