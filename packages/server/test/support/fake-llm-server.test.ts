import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';

const post = (server: FakeLlmServer, path: string, body: unknown) =>
  fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('fake LLM server', () => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(() => server.close());

  it('answers OpenAI requests without `stream` with one JSON body, tool calls included', async () => {
    server.enqueue({
      kind: 'reply',
      text: 'Plain answer',
      toolCalls: [{ id: 'call_1', name: 'look', arguments: '{}' }],
      usage: { promptTokens: 3, completionTokens: 2 },
    });
    const response = await post(server, '/chat/completions', { model: 'm', messages: [] });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          message: {
            content: 'Plain answer',
            tool_calls: [{ id: 'call_1', function: { name: 'look' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
  });

  it('streams SSE with a usage chunk and [DONE], and records the request', async () => {
    const index = server.requests.length;
    server.enqueue({ kind: 'flood', chunks: 1_000, text: 'x' });
    const response = await post(server, '/chat/completions', {
      model: 'm',
      stream: true,
      messages: [],
    });
    const text = await response.text();
    expect(text.match(/"content":"x"/g)).toHaveLength(1_000);
    expect(text).toContain('"usage":{"prompt_tokens":12');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const recorded = await server.waitForRequest(index);
    expect(recorded).toMatchObject({
      protocol: 'openai',
      path: '/v1/chat/completions',
      chunksWritten: 1_000,
    });
    expect(recorded.body).toEqual({ model: 'm', stream: true, messages: [] });
  });

  it('holds a gated stream after its first chunks until released, then finishes it', async () => {
    const index = server.requests.length;
    server.enqueue({ kind: 'gated', afterChunks: 3, thenChunks: 2 });
    const response = await post(server, '/chat/completions', {
      model: 'm',
      stream: true,
      messages: [],
    });
    const recorded = await server.waitForRequest(index);
    const reader = response.body!.getReader();
    let text = '';
    while ((text.match(/"content":/g) ?? []).length < 3) {
      text += new TextDecoder().decode((await reader.read()).value);
    }
    expect(recorded.chunksWritten).toBe(3);
    // An open connection gets the rest once the gate opens (a closed one would not).
    recorded.release();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await recorded.responded;
    expect(recorded.chunksWritten).toBe(5);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('streams Anthropic events from message_start to message_stop', async () => {
    server.enqueue({ kind: 'reply', text: ['Hi'], reasoning: ['hmm'] });
    const text = await (await post(server, '/messages', { model: 'claude', messages: [] })).text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('answers 404 for other paths and keeps the queue for real requests', async () => {
    server.enqueue({ kind: 'status', status: 503 });
    expect((await fetch(`${server.url}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect((await post(server, '/chat/completions', { messages: [] })).status).toBe(503);
  });
});
