import { describe, expect, it } from 'vitest';
import { parseIncomingAction } from '../v0/event-parse.js';
import {
  v1AuthFrameSchema,
  v1ClientFrameSchema,
  v1UserMessageAction,
  v1UserMessageFrameSchema,
} from './v1-client-frames.js';
import {
  v1ConversationStateUpdateEventSchema,
  v1EventSchema,
  v1FullStateSchema,
  v1HeartbeatSchema,
  v1ServerFrameSchema,
} from './v1-events.js';

const base = { id: '12', timestamp: '2025-03-04T05:06:07.089Z', source: 'agent' };

describe('V1 server frames', () => {
  it('reads a heartbeat, including an empty conversation’s -1', () => {
    for (const latest of [-1, 0, 41]) {
      const frame = { kind: 'Heartbeat', latest_event_id: latest };
      expect(v1HeartbeatSchema.parse(frame)).toEqual(frame);
      expect(v1ServerFrameSchema.parse(frame)).toEqual(frame);
    }
  });

  it.each([-2, 1.5, '3', null])('refuses a heartbeat with latest_event_id %j', (latest) => {
    expect(
      v1HeartbeatSchema.safeParse({ kind: 'Heartbeat', latest_event_id: latest }).success,
    ).toBe(false);
  });

  it('reads a full_state update as well as an execution_status one', () => {
    const fullState = {
      kind: 'ConversationStateUpdateEvent',
      ...base,
      source: 'environment',
      key: 'full_state',
      value: { execution_status: 'idle', id: 'abc' },
    };
    expect(v1ConversationStateUpdateEventSchema.parse(fullState)).toEqual(fullState);
    expect(v1ServerFrameSchema.parse(fullState)).toEqual(fullState);
  });

  it('reads the full_state value the V1 face sends, with or without an agent state', () => {
    const value = {
      id: 'abc',
      conversation_id: 'abc',
      execution_status: 'running',
      agent_state: 'running',
      latest_event_id: 7,
    };
    expect(v1FullStateSchema.parse(value)).toEqual(value);
    const empty = {
      id: 'abc',
      conversation_id: 'abc',
      execution_status: 'idle',
      latest_event_id: -1,
    };
    expect(v1FullStateSchema.parse(empty)).toEqual(empty);
    expect(v1FullStateSchema.safeParse({ ...value, execution_status: 'loading' }).success).toBe(
      false,
    );
    expect(v1FullStateSchema.safeParse({ ...value, latest_event_id: -2 }).success).toBe(false);
  });

  it('refuses what the web client would drop: numeric or empty ids, empty timestamps, odd sources', () => {
    const message = {
      kind: 'MessageEvent',
      ...base,
      llm_message: { role: 'assistant', content: [{ type: 'text', text: 'x' }] },
      activated_skills: [],
      extended_content: [],
    };
    expect(v1EventSchema.safeParse(message).success).toBe(true);
    for (const broken of [
      { ...message, id: 12 },
      { ...message, id: '' },
      { ...message, id: null },
      { ...message, timestamp: '' },
      { ...message, source: 'system' },
      { ...message, kind: 'SomethingElse' },
    ]) {
      expect(v1EventSchema.safeParse(broken).success).toBe(false);
    }
  });

  it('refuses an action other than ExecuteBashAction and an unknown content part', () => {
    const action = {
      kind: 'ActionEvent',
      ...base,
      thought: [],
      thinking_blocks: [],
      action: {
        kind: 'ExecuteBashAction',
        command: 'ls',
        is_input: false,
        timeout: null,
        reset: false,
      },
      tool_name: 'execute_bash',
      security_risk: 'LOW',
    };
    expect(v1EventSchema.safeParse(action).success).toBe(true);
    expect(
      v1EventSchema.safeParse({ ...action, action: { ...action.action, kind: 'FileEditAction' } })
        .success,
    ).toBe(false);
    expect(v1EventSchema.safeParse({ ...action, security_risk: 'SEVERE' }).success).toBe(false);
    expect(
      v1EventSchema.safeParse({
        kind: 'MessageEvent',
        ...base,
        llm_message: { role: 'user', content: [{ type: 'audio', url: 'x' }] },
        activated_skills: [],
        extended_content: [],
      }).success,
    ).toBe(false);
  });
});

describe('V1 user message frames', () => {
  it('reads the reference frame', () => {
    const frame = { role: 'user', content: [{ type: 'text', text: 'hi' }] };
    expect(v1UserMessageFrameSchema.parse(frame)).toEqual(frame);
    expect(v1ClientFrameSchema.parse(frame)).toEqual(frame);
  });

  it('reads the web client’s image_url parts, a bare URL string and the sdk’s image parts', () => {
    const frame = {
      role: 'user',
      content: [
        { type: 'text', text: 'see' },
        { type: 'image_url', image_url: { url: 'https://x/1.png' } },
        { type: 'image_url', image_url: 'https://x/2.png' },
        { type: 'image', image_urls: ['https://x/3.png', 'https://x/4.png'] },
      ],
    };
    expect(v1UserMessageFrameSchema.parse(frame)).toEqual(frame);
  });

  it('ignores other sdk Message keys such as run', () => {
    const parsed = v1UserMessageFrameSchema.parse({
      role: 'user',
      content: [{ type: 'text', text: 'go' }],
      run: true,
      cache_enabled: false,
    });
    expect(parsed).toEqual({ role: 'user', content: [{ type: 'text', text: 'go' }] });
  });

  it.each([
    ['a string', 'hi'],
    ['null', null],
    ['an array', [{ role: 'user' }]],
    ['no content', { role: 'user' }],
    ['empty content', { role: 'user', content: [] }],
    ['content as a string', { role: 'user', content: 'hi' }],
    ['the assistant role', { role: 'assistant', content: [{ type: 'text', text: 'hi' }] }],
    ['no role', { content: [{ type: 'text', text: 'hi' }] }],
    ['a numeric text', { role: 'user', content: [{ type: 'text', text: 5 }] }],
    ['a part without type', { role: 'user', content: [{ text: 'hi' }] }],
    ['an unknown part', { role: 'user', content: [{ type: 'video', url: 'x' }] }],
    [
      'an empty image url',
      { role: 'user', content: [{ type: 'image_url', image_url: { url: '' } }] },
    ],
    ['image_urls not a list', { role: 'user', content: [{ type: 'image', image_urls: 'x' }] }],
  ])('refuses %s', (_name, input) => {
    expect(v1UserMessageFrameSchema.safeParse(input).success).toBe(false);
    expect(v1ClientFrameSchema.safeParse(input).success).toBe(false);
  });

  it('becomes a V0 message action that the incoming-action parser accepts', () => {
    const frame = v1UserMessageFrameSchema.parse({
      role: 'user',
      content: [
        { type: 'text', text: 'first' },
        { type: 'image_url', image_url: { url: 'https://x/1.png' } },
        { type: 'text', text: 'second' },
        { type: 'image', image_urls: ['https://x/2.png'] },
        { type: 'image_url', image_url: 'https://x/3.png' },
      ],
    });
    const dict = v1UserMessageAction(frame);
    expect(dict).toEqual({
      action: 'message',
      args: {
        content: 'first\n\nsecond',
        image_urls: ['https://x/1.png', 'https://x/2.png', 'https://x/3.png'],
      },
    });
    expect(parseIncomingAction(dict)).toMatchObject({
      action: 'message',
      message: 'first\n\nsecond',
      args: { content: 'first\n\nsecond' },
    });
  });

  it('an image-only message has empty text', () => {
    const frame = v1UserMessageFrameSchema.parse({
      role: 'user',
      content: [{ type: 'image', image_urls: ['u'] }],
    });
    expect(v1UserMessageAction(frame).args).toEqual({ content: '', image_urls: ['u'] });
  });
});

describe('V1 auth frames', () => {
  it('reads the auth frame', () => {
    const frame = { type: 'auth', session_api_key: 'k3y' };
    expect(v1AuthFrameSchema.parse(frame)).toEqual(frame);
    expect(v1ClientFrameSchema.parse(frame)).toEqual(frame);
  });

  it.each([
    ['no key', { type: 'auth' }],
    ['a numeric key', { type: 'auth', session_api_key: 42 }],
    ['a null key', { type: 'auth', session_api_key: null }],
    ['another type', { type: 'login', session_api_key: 'k' }],
    ['an extra key', { type: 'auth', session_api_key: 'k', user: 'x' }],
  ])('refuses %s', (_name, input) => {
    expect(v1AuthFrameSchema.safeParse(input).success).toBe(false);
  });
});
