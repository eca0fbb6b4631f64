import { describe, it, expect } from 'vitest';
import { roundTrip, samples } from '../../test/support/serialize-samples.js';
import { agentStateChangedObservation } from './agent-state-changed-observation.js';
import { errorObservation } from './error-observation.js';
import { parseEvent } from './event-parse.js';
import { serializeEvent } from './event-serialize.js';
import { eventTypeName } from './event-type-names.js';
import type { ParleyEvent } from './parley-event.js';

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
