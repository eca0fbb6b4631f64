import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../shared/errors.js';
import type { LanguageModelPart, LanguageModelRequest } from '../language-model.js';
import { LlmCancelledError, LlmRequestInvalidError } from '../llm-errors.js';
import type { Sleep } from '../retry.js';
import { DemoModel, demoReply } from './demo-model.js';

const ask = (text: string, extra: Partial<LanguageModelRequest> = {}): LanguageModelRequest => ({
  messages: [
    { role: 'system', content: 'You are helpful.' },
    { role: 'user', content: text },
  ],
  ...extra,
});

const instantSleep: Sleep = (_milliseconds, { signal }) =>
  signal?.aborted === true ? Promise.reject(new AbortedError()) : Promise.resolve();

async function collectParts(model: DemoModel, request: LanguageModelRequest) {
  const parts: LanguageModelPart[] = [];
  for await (const part of model.stream(request)) parts.push(part);
  return parts;
}

describe('DemoModel', () => {
  it('says plainly that it is an offline demo and quotes the user', async () => {
    const completion = await new DemoModel({ sleep: instantSleep }).complete(ask('What is 2+2?'));
    expect(completion.text).toMatch(/offline demo/);
    expect(completion.text).toContain('What is 2+2?');
    expect(completion.finishReason).toBe('stop');
    expect(completion.metrics).toMatchObject({ model: 'demo', cost: 0 });
    expect(completion.usage.completionTokens).toBeGreaterThan(10);
  });

  it('is deterministic and streams word by word, pausing before each word', async () => {
    const waits: number[] = [];
    const sleep: Sleep = (milliseconds) => {
      waits.push(milliseconds);
      return Promise.resolve();
    };
    const model = new DemoModel({ tokenDelayMs: 25, sleep });
    const first = await collectParts(model, ask('hello'));
    const second = await collectParts(new DemoModel({ sleep: instantSleep }), ask('hello'));
    const texts = (parts: LanguageModelPart[]) =>
      parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
    expect(texts(first)).toEqual(texts(second));
    expect(texts(first).length).toBeGreaterThan(10);
    expect(texts(first).every((word) => word.trim().split(/\s+/).length === 1)).toBe(true);
    expect(waits).toEqual(texts(first).map(() => 25));
    expect(first.at(-1)).toMatchObject({ type: 'finish', reason: 'stop' });
  });

  it('answers "/tool <name> <json>" with a call of that offered tool', async () => {
    const request = ask('/tool read_file {"path": "README.md"}', {
      tools: [{ name: 'read_file', parameters: { type: 'object' } }],
    });
    const completion = await new DemoModel({ sleep: instantSleep }).complete(request);
    expect(completion.toolCalls).toEqual([
      {
        toolCallId: expect.stringMatching(/^demo-call-/),
        toolName: 'read_file',
        input: '{"path":"README.md"}',
      },
    ]);
    expect(completion.finishReason).toBe('tool-calls');
  });

  it('uses {} for missing or unparsable tool arguments, and refuses tools not offered', () => {
    const tools = [{ name: 'think', parameters: {} }];
    expect(demoReply(ask('/tool think not json', { tools })).toolCall?.input).toBe('{}');
    const refused = demoReply(ask('/tool delete_everything', { tools }));
    expect(refused.toolCall).toBeUndefined();
    expect(refused.text).toContain('think');
  });

  it('reports a tool result', () => {
    const reply = demoReply({
      messages: [
        { role: 'user', content: '/tool think {}' },
        {
          role: 'assistant',
          content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'think', input: {} }],
        },
        { role: 'tool', toolCallId: 'c1', toolName: 'think', content: 'thought done' },
      ],
    });
    expect(reply.text).toContain('The tool think returned: thought done');
  });

  it('rejects an empty message list before doing anything', async () => {
    await expect(new DemoModel().complete({ messages: [] })).rejects.toBeInstanceOf(
      LlmRequestInvalidError,
    );
  });

  it('stops at once when the signal fires, with a cancellation error', async () => {
    const controller = new AbortController();
    const model = new DemoModel({ tokenDelayMs: 60_000 });
    const words: string[] = [];
    const running = (async () => {
      for await (const part of model.stream(ask('hi'), { signal: controller.signal })) {
        if (part.type === 'text-delta') words.push(part.text);
      }
    })();
    controller.abort('user stop');
    const failure = await running.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmCancelledError);
    expect((failure as LlmCancelledError).cause).toBe('user stop');
    expect(words).toEqual([]);
  });
});

describe('demo shortcuts for the workspace tools', () => {
  const tools = ['execute_bash', 'str_replace_editor'].map((name) => ({
    name,
    parameters: { type: 'object' },
  }));
  const ask = (text: string, offered = tools) =>
    demoReply({ messages: [{ role: 'user', content: text }], tools: offered });

  it('turns /run into an execute_bash call', () => {
    expect(ask('/run echo hi && ls').toolCall).toEqual({
      toolName: 'execute_bash',
      input: JSON.stringify({ command: 'echo hi && ls' }),
    });
  });

  it('turns /create, /edit and /view into editor calls on workspace paths', () => {
    expect(JSON.parse(ask('/create notes.txt hello world').toolCall?.input ?? '')).toEqual({
      command: 'create',
      path: '/workspace/notes.txt',
      file_text: 'hello world\n',
    });
    expect(JSON.parse(ask('/edit notes.txt hello => goodbye').toolCall?.input ?? '')).toEqual({
      command: 'str_replace',
      path: '/workspace/notes.txt',
      old_str: 'hello',
      new_str: 'goodbye',
    });
    expect(JSON.parse(ask('/view').toolCall?.input ?? '')).toEqual({
      command: 'view',
      path: '/workspace',
    });
  });

  it('says so when the conversation has no such tool, and ignores malformed shortcuts', () => {
    const reply = ask('/run ls', []);
    expect(reply.toolCall).toBeUndefined();
    expect(reply.text).toContain('offers no execute_bash tool');
    expect(ask('/edit notes.txt no arrow').toolCall).toBeUndefined();
    expect(ask('/run').toolCall).toBeUndefined();
  });
});
