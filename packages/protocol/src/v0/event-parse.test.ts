import { describe, it, expect } from 'vitest';
import { deepFreeze, captureError } from '../../test/support/parse-helpers.js';
import { parseEvent } from './event-parse.js';

describe('parseEvent', () => {
  it('reads null optional top-level fields and id -1 as absent, as upstream does', () => {
    const event = parseEvent({
      id: -1,
      timestamp: null,
      source: null,
      message: null,
      cause: null,
      tool_call_metadata: null,
      llm_metrics: null,
      timeout: null,
      action: 'null',
      args: {},
    });
    expect(event).toStrictEqual({ action: 'null', args: {} });
  });

  it('defaults a missing args, content or extras the way upstream reads them', () => {
    expect(parseEvent({ action: 'null' })).toStrictEqual({ action: 'null', args: {} });
    expect(parseEvent({ observation: 'null' })).toStrictEqual({
      observation: 'null',
      content: '',
      extras: {},
    });
    expect(() => parseEvent({ action: 'message' })).toThrow(
      'Invalid event: args.content: expected string',
    );
  });

  it('drops unknown top-level keys but keeps unknown extras keys', () => {
    const event = parseEvent({
      observation: 'run',
      content: 'ok',
      extras: { command: 'ls', metadata: { exit_code: 0, future: 1 }, future: 'kept' },
      unknown_top_level: true,
    });
    expect(event).toStrictEqual({
      observation: 'run',
      content: 'ok',
      extras: { command: 'ls', metadata: { exit_code: 0, future: 1 }, future: 'kept' },
    });
  });

  it('rejects unknown args keys, as upstream dataclass constructors do', () => {
    const error = captureError(() =>
      parseEvent({ action: 'message', args: { content: 'x', colour: 'red' } }),
    );
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.message).toBe('Invalid event: args.colour: unknown key');
    expect(error.issues).toStrictEqual([{ path: 'args.colour', message: 'unknown key' }]);
  });

  it('does not apply the client compatibility rules to stored events', () => {
    expect(() =>
      parseEvent({ action: 'message', args: { content: 'x', timestamp: '2025-01-01T00:00:00' } }),
    ).toThrow('Invalid event: args.timestamp: unknown key');
  });

  it('accepts upstream timestamps with and without an offset, and rejects other strings', () => {
    for (const timestamp of [
      '2025-01-01T12:00:00.123456',
      '2025-01-01T12:00:00Z',
      '2025-01-01T12:00:00.5+02:00',
    ]) {
      expect(parseEvent({ action: 'null', timestamp }).timestamp).toBe(timestamp);
    }
    expect(() => parseEvent({ action: 'null', timestamp: 'yesterday' })).toThrow(
      'Invalid event: timestamp:',
    );
  });

  it('validates the agent state of a state change', () => {
    expect(() =>
      parseEvent({ action: 'change_agent_state', args: { agent_state: 'sleeping' } }),
    ).toThrow('Invalid event: args.agent_state: expected one of');
    expect(() =>
      parseEvent({ observation: 'agent_state_changed', content: '', extras: {} }),
    ).toThrow('Invalid event: extras.agent_state:');
  });

  it('keeps a valid security_risk and rejects an invalid one', () => {
    for (const risk of [-1, 0, 1, 2]) {
      const event = parseEvent({ action: 'run', args: { command: 'ls', security_risk: risk } });
      expect(event).toHaveProperty('args.security_risk', risk);
    }
    expect(() => parseEvent({ action: 'run', args: { command: 'ls', security_risk: 3 } })).toThrow(
      'Invalid event: args.security_risk: expected one of -1|0|1|2',
    );
  });

  it('requires source agent on a streaming delta', () => {
    expect(parseEvent({ source: 'agent', streaming_delta: { content: 'x' } })).toStrictEqual({
      source: 'agent',
      streaming_delta: { content: 'x' },
    });
    expect(() => parseEvent({ source: 'user', streaming_delta: { content: 'x' } })).toThrow(
      'Invalid event: source:',
    );
  });

  describe('errors', () => {
    it('names an unknown action type', () => {
      const error = captureError(() => parseEvent({ action: 'frobnicate', args: {} }));
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('InvalidEventError');
      expect(error.code).toBe('EVENT_UNKNOWN_TYPE');
      expect(error.message).toBe('Unknown action type: frobnicate');
    });

    it('names an unknown observation type', () => {
      const error = captureError(() => parseEvent({ observation: 'browse', content: '' }));
      expect(error.code).toBe('EVENT_UNKNOWN_TYPE');
      expect(error.message).toBe('Unknown observation type: browse');
    });

    it('does not treat prototype keys as types', () => {
      expect(captureError(() => parseEvent({ action: 'constructor' })).code).toBe(
        'EVENT_UNKNOWN_TYPE',
      );
      expect(captureError(() => parseEvent({ observation: 'toString' })).code).toBe(
        'EVENT_UNKNOWN_TYPE',
      );
    });

    it('lists the keys of a dict that is no event', () => {
      const error = captureError(() => parseEvent({ status_update: true, message: 'hi' }));
      expect(error.code).toBe('EVENT_UNKNOWN_TYPE');
      expect(error.message).toBe('Unknown event type: ["status_update","message"]');
    });

    it('keeps the unknown-type message short', () => {
      const keys = Object.fromEntries(
        Array.from({ length: 100 }, (_, index) => [`key${index}`, 1]),
      );
      const error = captureError(() => parseEvent(keys));
      expect(error.message.length).toBeLessThanOrEqual('Unknown event type: '.length + 200);
      const longName = captureError(() => parseEvent({ action: 'x'.repeat(1000) }));
      expect(longName.message.length).toBeLessThanOrEqual('Unknown action type: '.length + 100);
    });

    it.each([null, 'message', 42, [], undefined])('rejects the non-object %j', (input) => {
      const error = captureError(() => parseEvent(input));
      expect(error.code).toBe('EVENT_INVALID');
      expect(error.message).toMatch(/^Invalid event: expected an object, received /);
    });

    it('names the first failing path of a wrong type', () => {
      const error = captureError(() => parseEvent({ action: 'message', args: { content: 42 } }));
      expect(error.code).toBe('EVENT_INVALID');
      expect(error.message).toBe('Invalid event: args.content: expected string, received number');
      expect(error.issues[0]).toStrictEqual({
        path: 'args.content',
        message: 'expected string, received number',
      });
    });

    it('writes array indices in brackets', () => {
      expect(() =>
        parseEvent({ action: 'message', args: { content: 'x', image_urls: ['a', 7] } }),
      ).toThrow('Invalid event: args.image_urls[1]: expected string, received number');
    });

    it('rejects a type name that is not a string', () => {
      const error = captureError(() => parseEvent({ action: 7 }));
      expect(error.code).toBe('EVENT_INVALID');
      expect(error.message).toBe('Invalid event: action: expected string, received number');
    });

    it('reports at most a few issues', () => {
      const error = captureError(() =>
        parseEvent({
          action: 'run',
          args: { command: 1, is_input: 1, thought: 1, blocking: 1, is_static: 1, hidden: 1 },
        }),
      );
      expect(error.issues.length).toBeLessThanOrEqual(5);
      expect(error.message).not.toContain('\n');
    });
  });

  it('never mutates its input', () => {
    const input = deepFreeze({
      id: -1,
      cause: null,
      observation: 'run',
      content: 'x',
      extras: { command: 'ls', metadata: { exit_code: 0 } },
      success: true,
    });
    const before = structuredClone(input);
    parseEvent(input);
    expect(input).toStrictEqual(before);
  });
});
