/**
 * Both providers through real HTTP: what goes on the wire (messages, tools, sampling options,
 * auth headers) and what comes back (text, reasoning, tool calls, usage, metrics, cost).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LanguageModelRequest } from '../../../src/llm/language-model.js';
import { LlmRequestInvalidError } from '../../../src/llm/llm-errors.js';
import { LlmMetricsAccumulator } from '../../../src/conversations/agent/llm-metrics-accumulator.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../support/fake-llm-server.js';
import { createTestModel, drain, type TestProtocol } from '../../support/llm-test-models.js';

const protocols: TestProtocol[] = ['openai', 'anthropic'];

const fullRequest: LanguageModelRequest = {
  messages: [
    { role: 'system', content: 'You are terse.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'zoom', input: { factor: 2 } },
      ],
    },
    { role: 'tool', toolCallId: 'call_1', toolName: 'zoom', content: 'a cat' },
  ],
  tools: [
    {
      name: 'zoom',
      description: 'Zoom into the picture',
      parameters: { type: 'object', properties: { factor: { type: 'number' } } },
    },
  ],
  temperature: 0.3,
  topP: 0.9,
  maxOutputTokens: 256,
  stopSequences: ['END'],
};

describe.each(protocols)('provider (%s)', (protocol) => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(() => server.close());
  beforeEach(() => server.clearQueue());

  it('streams text, reasoning and tool calls, then usage and finish', async () => {
    server.enqueue({
      kind: 'reply',
      reasoning: ['Thinking', ' hard'],
      text: ['It is ', 'a cat.'],
      toolCalls: [{ id: 'call_9', name: 'zoom', arguments: '{"factor":3}' }],
      usage: { promptTokens: 100, completionTokens: 20 },
      responseId: 'resp-42',
    });
    const { model } = createTestModel(protocol, server);
    const completion = await model.complete(fullRequest);
    expect(completion).toMatchObject({
      text: 'It is a cat.',
      reasoning: 'Thinking hard',
      toolCalls: [{ toolCallId: 'call_9', toolName: 'zoom', input: '{"factor":3}' }],
      finishReason: 'tool-calls',
      usage: { promptTokens: 100, completionTokens: 20 },
    });
    expect(completion.metrics).toMatchObject({
      model: protocol === 'openai' ? 'openai/gpt-4o' : 'anthropic/claude-sonnet-4-20250514',
      responseId: 'resp-42',
    });
    expect(completion.metrics.latencyMs).toBeGreaterThan(0);
    expect(completion.metrics.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(completion.metrics.timeToFirstTokenMs).toBeLessThanOrEqual(completion.metrics.latencyMs);
  });

  it('sends the messages, tools, sampling options and the API key', async () => {
    server.enqueue({ kind: 'reply', text: 'ok' });
    const before = server.requests.length;
    const { model } = createTestModel(protocol, server, { apiKey: 'sk-wire-check' });
    await model.complete(fullRequest);
    const sent = server.requests[before]!;
    const body = sent.body as Record<string, unknown>;
    expect(body).toMatchObject({ temperature: 0.3, max_tokens: 256 });
    if (protocol === 'openai') {
      // (The Anthropic library sends temperature or top_p, not both, as current Claude models require.)
      expect(body['top_p']).toBe(0.9);
      expect(sent.path).toBe('/v1/chat/completions');
      expect(sent.headers.authorization).toBe('Bearer sk-wire-check');
      expect(body).toMatchObject({ model: 'gpt-4o', stream: true, stop: ['END'] });
      const messages = body['messages'] as Record<string, unknown>[];
      expect(messages.map((message) => message['role'])).toEqual([
        'system',
        'user',
        'assistant',
        'tool',
      ]);
      expect(JSON.stringify(messages[1])).toContain('data:image/png;base64,iVBORw0KGgo=');
      expect(messages[2]).toMatchObject({
        tool_calls: [{ id: 'call_1', function: { name: 'zoom' } }],
      });
      expect(messages[3]).toMatchObject({ tool_call_id: 'call_1', content: 'a cat' });
      expect(body['tools']).toMatchObject([{ type: 'function', function: { name: 'zoom' } }]);
    } else {
      expect(sent.path).toBe('/v1/messages');
      expect(sent.headers['x-api-key']).toBe('sk-wire-check');
      expect(body).toMatchObject({
        model: 'claude-sonnet-4-20250514',
        stream: true,
        stop_sequences: ['END'],
        system: [{ type: 'text', text: 'You are terse.' }],
      });
      const messages = body['messages'] as Record<string, unknown>[];
      expect(messages.map((message) => message['role'])).toEqual(['user', 'assistant', 'user']);
      expect(JSON.stringify(messages[0])).toContain('iVBORw0KGgo=');
      expect(JSON.stringify(messages[1])).toContain('"tool_use"');
      expect(JSON.stringify(messages[2])).toContain('"tool_result"');
      expect(body['tools']).toMatchObject([{ name: 'zoom' }]);
    }
  });

  it('sends the seed', async () => {
    server.enqueue({ kind: 'reply', text: 'ok' });
    const before = server.requests.length;
    const { model } = createTestModel(protocol, server);
    await model.complete({ messages: [{ role: 'user', content: 'hi' }], seed: 7 });
    // Anthropic has no seed parameter; the library drops it with a warning.
    if (protocol === 'openai') expect(server.requests[before]!.body['seed']).toBe(7);
    else expect(server.requests[before]!.body['seed']).toBeUndefined();
  });

  it('an empty message list is a typed error before any network call', async () => {
    const before = server.requests.length;
    const { model } = createTestModel(protocol, server);
    const { error } = await drain(model, { messages: [] });
    expect(error).toBeInstanceOf(LlmRequestInvalidError);
    expect((error as Error).message).toBe(
      'The messages list is empty. At least one message is required.',
    );
    expect(server.requests.length).toBe(before);
  });

  it('counts cache tokens and prices the call from the table', async () => {
    server.enqueue({
      kind: 'reply',
      text: 'cached',
      usage: {
        promptTokens: 1_000,
        completionTokens: 100,
        cacheReadTokens: 600,
        cacheWriteTokens: 200,
      },
    });
    const { model } = createTestModel(protocol, server, {
      priceOverrides: {
        [protocol === 'openai' ? 'openai/gpt-4o' : 'anthropic/claude-sonnet-4-20250514']: {
          inputPerMillion: 10,
          outputPerMillion: 100,
          cacheReadPerMillion: 1,
          cacheWritePerMillion: 20,
        },
      },
    });
    const completion = await model.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.usage).toMatchObject({
      promptTokens: 1_000,
      completionTokens: 100,
      cacheReadTokens: 600,
      cacheWriteTokens: 200,
    });
    const expected = (200 * 10 + 600 * 1 + 200 * 20 + 100 * 100) / 1_000_000;
    expect(completion.metrics.cost).toBeCloseTo(expected, 12);
  });

  it('the x-litellm-response-cost header wins over the price table', async () => {
    server.enqueue({
      kind: 'reply',
      text: 'proxied',
      headers: { 'x-litellm-response-cost': '0.0123' },
    });
    const { model } = createTestModel(protocol, server);
    const completion = await model.complete({ messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.metrics.cost).toBe(0.0123);
  });

  it('accumulates calls into upstream’s llm_metrics shape', async () => {
    server.enqueue(
      {
        kind: 'reply',
        text: 'one',
        usage: { promptTokens: 10, completionTokens: 2 },
        responseId: 'r1',
      },
      {
        kind: 'reply',
        text: 'two',
        usage: { promptTokens: 30, completionTokens: 4 },
        responseId: 'r2',
      },
    );
    const { model } = createTestModel(protocol, server);
    const metrics = new LlmMetricsAccumulator(model.modelName);
    for (let call = 0; call < 2; call++) {
      metrics.addCall(
        (await model.complete({ messages: [{ role: 'user', content: 'hi' }] })).metrics,
      );
    }
    const json = metrics.toJSON();
    expect(json.accumulated_token_usage).toMatchObject({
      prompt_tokens: 40,
      completion_tokens: 6,
      per_turn_token: 34,
    });
    expect(json.response_latencies.map((entry) => entry.response_id)).toEqual(['r1', 'r2']);
    expect(json.accumulated_cost).toBeGreaterThan(0);
    expect(json.costs).toHaveLength(2);
  });
});
