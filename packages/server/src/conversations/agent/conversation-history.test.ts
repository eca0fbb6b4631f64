import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../events/event-store.js';
import { buildHistory, modelResponseDump } from './conversation-history.js';

let nextId = 0;
const stamp = '2026-01-01T00:00:00.000Z';
function event(fields: Record<string, unknown>): StoredEvent {
  return { id: nextId++, timestamp: stamp, ...fields } as unknown as StoredEvent;
}
const user = (content: string) =>
  event({ source: 'user', action: 'message', args: { content }, message: content });
const agent = (content: string) =>
  event({ source: 'agent', action: 'message', args: { content }, message: content });
const running = (cause: number) =>
  event({
    source: 'environment',
    observation: 'agent_state_changed',
    content: '',
    extras: { agent_state: 'running' },
    cause,
  });

const options = { systemPrompt: 'system', contextWindowTokens: 100_000 };

describe('buildHistory', () => {
  it('places a queued message where its turn began, after the earlier answer', () => {
    nextId = 0;
    const first = user('A');
    const events = [first, running(first.id), user('B'), agent('answer A')];
    const second = events[2] as StoredEvent;
    events.push(running(second.id));
    expect(buildHistory(events, options)).toEqual([
      { role: 'system', content: 'system' },
      { role: 'user', content: 'A' },
      { role: 'assistant', content: 'answer A' },
      { role: 'user', content: 'B' },
    ]);
    // While B still waits, A's turn does not see it.
    expect(
      buildHistory(events.slice(0, 4), { ...options, pendingMessageIds: new Set([second.id]) }),
    ).toHaveLength(3);
  });

  it('pairs tool calls with results and gives an interrupted call a placeholder', () => {
    nextId = 0;
    const dump = modelResponseDump('r1', 'm', 'Let me think.', [
      { toolCallId: 'c1', toolName: 'think', input: '{"thought":"x"}' },
      { toolCallId: 'c2', toolName: 'think', input: '{"thought":"y"}' },
    ]);
    const metadata = (id: string) => ({
      function_name: 'think',
      tool_call_id: id,
      model_response: dump,
      total_calls_in_response: 2,
    });
    const events = [
      user('go'),
      event({
        source: 'agent',
        action: 'message',
        args: { content: 'Let me think.' },
        tool_call_metadata: metadata('c1'),
      }),
      event({
        source: 'agent',
        action: 'think',
        args: { thought: 'x' },
        tool_call_metadata: metadata('c1'),
      }),
      event({
        source: 'agent',
        observation: 'think',
        content: 'logged',
        extras: {},
        cause: 2,
        tool_call_metadata: metadata('c1'),
      }),
      event({
        source: 'agent',
        action: 'think',
        args: { thought: 'y' },
        tool_call_metadata: metadata('c2'),
      }),
      user('next'),
    ];
    const history = buildHistory(events, options);
    expect(history.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
      'user',
    ]);
    expect(history[2]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me think.' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'think', input: { thought: 'x' } },
        { type: 'tool-call', toolCallId: 'c2', toolName: 'think', input: { thought: 'y' } },
      ],
    });
    expect(history[3]).toMatchObject({ toolCallId: 'c1', content: 'logged' });
    expect(history[4]).toMatchObject({
      toolCallId: 'c2',
      content: expect.stringContaining('interrupted'),
    });
  });

  it('drops the oldest turns to fit the window, never the system prompt or the latest message', () => {
    nextId = 0;
    const long = 'x'.repeat(4_000);
    const events = [
      user(`old ${long}`),
      agent(long),
      user(`middle ${long}`),
      agent(long),
      user('latest'),
    ];
    const history = buildHistory(events, { systemPrompt: 'system', contextWindowTokens: 3_000 });
    expect(history[0]).toEqual({ role: 'system', content: 'system' });
    expect(history.at(-1)).toEqual({ role: 'user', content: 'latest' });
    expect(JSON.stringify(history)).not.toContain('old x');
    const tiny = buildHistory(events, { systemPrompt: 'system', contextWindowTokens: 10 });
    expect(tiny).toEqual([
      { role: 'system', content: 'system' },
      { role: 'user', content: 'latest' },
    ]);
  });
});
