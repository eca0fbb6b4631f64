import { describe, expect, it } from 'vitest';
import { parseEvent, parseIncomingAction } from './event-parse.js';
import { eventMessage } from './event-message.js';
import { eventTypeName } from './event-type-names.js';
import { InvalidEventError } from './invalid-event-error.js';
import { isAction, isObservation } from './parley-event.js';

describe('think action and observation (upstream AgentThinkAction / AgentThinkObservation)', () => {
  it('parses a think action with its thought and derives upstream message', () => {
    const event = parseEvent({ source: 'agent', action: 'think', args: { thought: 'a plan' } });
    expect(isAction(event) && event.action === 'think' && event.args.thought).toBe('a plan');
    expect(eventTypeName(event)).toBe('AgentThinkAction');
    if (!isAction(event)) throw new Error('expected an action');
    expect(eventMessage(event)).toBe('I am thinking...: a plan');
  });

  it('keeps think args strict', () => {
    expect(() => parseEvent({ action: 'think', args: { thought: 'x', mood: 'calm' } })).toThrow(
      InvalidEventError,
    );
    expect(() => parseEvent({ action: 'think', args: { thought: 3 } })).toThrow(InvalidEventError);
  });

  it('parses a think observation whose message is its content', () => {
    const event = parseEvent({ observation: 'think', content: 'Your thought has been logged.' });
    expect(eventTypeName(event)).toBe('AgentThinkObservation');
    if (!isObservation(event)) throw new Error('expected an observation');
    expect(event.extras).toStrictEqual({});
    expect(eventMessage(event)).toBe('Your thought has been logged.');
  });
});

describe('message args.client_message_id (Parley extension)', () => {
  it('is accepted from clients and kept in args', () => {
    const action = parseIncomingAction({
      action: 'message',
      args: { content: 'hi', client_message_id: 'c-1' },
    });
    expect(action.args).toStrictEqual({ content: 'hi', client_message_id: 'c-1' });
  });

  it('must be a non-empty string of at most 200 characters', () => {
    for (const bad of ['', 'x'.repeat(201), 7, null]) {
      expect(() =>
        parseIncomingAction({ action: 'message', args: { content: 'hi', client_message_id: bad } }),
      ).toThrow(InvalidEventError);
    }
    expect(() =>
      parseIncomingAction({
        action: 'message',
        args: { content: 'hi', client_message_id: 'x'.repeat(200) },
      }),
    ).not.toThrow();
  });
});
