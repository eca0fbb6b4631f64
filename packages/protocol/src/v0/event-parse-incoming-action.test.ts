import { describe, it, expect } from 'vitest';
import { deepFreeze, captureError } from '../../test/support/parse-helpers.js';
import { parseIncomingAction } from './event-parse.js';

describe('parseIncomingAction', () => {
  it('accepts what the V0 frontend sends for a chat message', () => {
    const action = parseIncomingAction({
      action: 'message',
      args: {
        content: 'Hello',
        image_urls: [],
        file_urls: [],
        timestamp: '2025-01-01T00:00:00.000Z',
      },
    });
    expect(action).toStrictEqual({
      action: 'message',
      args: { content: 'Hello', file_urls: [], image_urls: [] },
      message: 'Hello',
    });
  });

  it('drops args.timestamp', () => {
    const action = parseIncomingAction({
      action: 'run',
      args: { command: 'ls', timestamp: 'anything' },
    });
    expect(action.args).toStrictEqual({ command: 'ls' });
  });

  it('renames args.is_confirmed to args.confirmation_state', () => {
    const action = parseIncomingAction({
      action: 'run',
      args: { command: 'ls', is_confirmed: 'rejected' },
    });
    expect(action.args).toStrictEqual({ command: 'ls', confirmation_state: 'rejected' });
    const withNull = parseIncomingAction({
      action: 'run',
      args: { command: 'ls', is_confirmed: null },
    });
    expect(withNull.args).toStrictEqual({ command: 'ls' });
  });

  it('renames args.images_urls to args.image_urls', () => {
    const action = parseIncomingAction({
      action: 'message',
      args: { content: 'x', images_urls: ['data:image/png;base64,AA=='] },
    });
    expect(action.args).toStrictEqual({ content: 'x', image_urls: ['data:image/png;base64,AA=='] });
  });

  it('drops args.keep_prompt and args.task_completed', () => {
    const run = parseIncomingAction({
      action: 'run',
      args: { command: 'ls', keep_prompt: false },
    });
    expect(run.args).toStrictEqual({ command: 'ls' });
    const finish = parseIncomingAction({
      action: 'finish',
      args: { thought: 'done', task_completed: 'true' },
    });
    expect(finish.args).toStrictEqual({ thought: 'done' });
  });

  it('keeps a valid args.security_risk and drops an invalid one', () => {
    for (const risk of [-1, 0, 1, 2]) {
      const action = parseIncomingAction({
        action: 'message',
        args: { content: 'x', security_risk: risk },
      });
      expect(action.args).toStrictEqual({ content: 'x', security_risk: risk });
    }
    for (const risk of [3, -2, 1.5, 'HIGH', '1', true, null, {}]) {
      const action = parseIncomingAction({
        action: 'message',
        args: { content: 'x', security_risk: risk },
      });
      expect(action.args).toStrictEqual({ content: 'x' });
    }
  });

  it('strips a client-supplied id', () => {
    const action = parseIncomingAction({ id: 12, action: 'message', args: { content: 'x' } });
    expect(action).not.toHaveProperty('id');
  });

  it('sets the message upstream derives, whatever the client sent', () => {
    const action = parseIncomingAction({
      action: 'change_agent_state',
      message: 'I am the message now',
      args: { agent_state: 'stopped' },
    });
    expect(action.message).toBe('Agent state changed to stopped');
  });

  it('still rejects unknown args after the compatibility rules', () => {
    const error = captureError(() =>
      parseIncomingAction({ action: 'message', args: { content: 'x', colour: 'red' } }),
    );
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.message).toBe('Invalid event: args.colour: unknown key');
  });

  it('rejects observations and streaming deltas from clients', () => {
    for (const input of [
      { observation: 'null', content: '', extras: {} },
      { streaming_delta: { content: 'x' } },
    ]) {
      const error = captureError(() => parseIncomingAction(input));
      expect(error.code).toBe('EVENT_INVALID');
      expect(error.message).toBe(
        'Invalid event: action: expected an action; clients may only send actions',
      );
    }
  });

  it('reports unknown types and non-objects like parseEvent', () => {
    expect(captureError(() => parseIncomingAction({ action: 'browse' })).message).toBe(
      'Unknown action type: browse',
    );
    expect(captureError(() => parseIncomingAction({ foo: 1 })).message).toBe(
      'Unknown event type: ["foo"]',
    );
    expect(captureError(() => parseIncomingAction('message')).code).toBe('EVENT_INVALID');
  });

  it('never mutates its input', () => {
    const input = deepFreeze({
      id: 3,
      action: 'run',
      args: {
        command: 'ls',
        timestamp: 'x',
        is_confirmed: 'confirmed',
        keep_prompt: true,
        security_risk: 9,
      },
    });
    const before = structuredClone(input);
    const action = parseIncomingAction(input);
    expect(input).toStrictEqual(before);
    expect(action.args).toStrictEqual({ command: 'ls', confirmation_state: 'confirmed' });
  });
});
