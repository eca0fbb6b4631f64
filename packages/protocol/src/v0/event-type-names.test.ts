import { describe, it, expect } from 'vitest';
import { parseEvent } from './event-parse.js';
import {
  eventKindAndType,
  eventTypeName,
  eventTypeNames,
  isHiddenEvent,
  resolveEventTypeName,
} from './event-type-names.js';
import type { EventTypeName } from './event-type-names.js';
import { InvalidEventError } from './invalid-event-error.js';

/** A minimal stored event for every name of the table. */
const minimalEvents: Readonly<Record<EventTypeName, unknown>> = {
  MessageAction: { action: 'message', args: { content: 'hi' } },
  SystemMessageAction: { action: 'system', args: { content: 'prompt' } },
  ChangeAgentStateAction: { action: 'change_agent_state', args: { agent_state: 'running' } },
  CmdRunAction: { action: 'run', args: { command: 'ls' } },
  FileEditAction: { action: 'edit', args: { path: '/workspace/a.txt', command: 'create' } },
  FileReadAction: { action: 'read', args: { path: '/workspace/a.txt' } },
  MCPAction: { action: 'call_tool_mcp', args: { name: 'fetch', arguments: {} } },
  AgentFinishAction: { action: 'finish', args: {} },
  RecallAction: { action: 'recall', args: { query: 'q' } },
  AgentThinkAction: { action: 'think', args: { thought: 'hmm' } },
  NullAction: { action: 'null', args: {} },
  AgentStateChangedObservation: {
    observation: 'agent_state_changed',
    content: '',
    extras: { agent_state: 'paused' },
  },
  ErrorObservation: { observation: 'error', content: 'boom', extras: {} },
  CmdOutputObservation: { observation: 'run', content: '', extras: { command: 'ls' } },
  FileEditObservation: { observation: 'edit', content: '', extras: { path: '/workspace/a.txt' } },
  FileReadObservation: { observation: 'read', content: 'x', extras: { path: '/workspace/a.txt' } },
  MCPObservation: { observation: 'mcp', content: '{}', extras: { name: 'fetch' } },
  UserRejectObservation: { observation: 'user_rejected', content: '', extras: {} },
  RecallObservation: { observation: 'recall', content: '', extras: {} },
  AgentThinkObservation: { observation: 'think', content: 'noted', extras: {} },
  NullObservation: { observation: 'null', content: '', extras: {} },
  StreamingDelta: { streaming_delta: { content: 'x' } },
};

describe('event type names', () => {
  it('lists every upstream class name once', () => {
    expect(new Set(eventTypeNames).size).toBe(eventTypeNames.length);
    expect(Object.keys(minimalEvents).sort()).toEqual([...eventTypeNames].sort());
  });

  it.each(eventTypeNames)('round-trips %s', (name) => {
    const event = parseEvent(minimalEvents[name]);
    expect(eventTypeName(event)).toBe(name);
    expect(resolveEventTypeName(name)).toStrictEqual(eventKindAndType(event));
  });

  it('maps names to kind and type', () => {
    expect(resolveEventTypeName('CmdRunAction')).toStrictEqual({ kind: 'action', type: 'run' });
    expect(resolveEventTypeName('CmdOutputObservation')).toStrictEqual({
      kind: 'observation',
      type: 'run',
    });
    expect(resolveEventTypeName('StreamingDelta')).toStrictEqual({
      kind: 'streaming_delta',
      type: 'streaming_delta',
    });
  });

  it('rejects an unknown name', () => {
    for (const name of ['BrowseURLAction', 'toString', 'messageaction']) {
      let thrown: unknown;
      try {
        resolveEventTypeName(name);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidEventError);
      expect(thrown).toMatchObject({
        code: 'EVENT_UNKNOWN_TYPE',
        message: `Unknown event type name: ${name}`,
      });
    }
  });
});

describe('isHiddenEvent', () => {
  it('is true for hidden run actions and observations only', () => {
    expect(isHiddenEvent(parseEvent({ action: 'run', args: { command: 'x', hidden: true } }))).toBe(
      true,
    );
    expect(
      isHiddenEvent(
        parseEvent({ observation: 'run', content: '', extras: { command: 'x', hidden: true } }),
      ),
    ).toBe(true);
    expect(
      isHiddenEvent(parseEvent({ action: 'run', args: { command: 'x', hidden: false } })),
    ).toBe(false);
    expect(isHiddenEvent(parseEvent({ action: 'message', args: { content: 'x' } }))).toBe(false);
    expect(isHiddenEvent(parseEvent({ streaming_delta: { content: 'x' } }))).toBe(false);
  });
});
