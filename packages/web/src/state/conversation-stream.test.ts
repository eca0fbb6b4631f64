/** @vitest-environment jsdom */
// The pure rules of the conversation stream: every frame and connection event in, state out.
import { describe, expect, it } from 'vitest';
import {
  agentError,
  bashAction,
  bashObservation,
  delta,
  fullState,
  messageEvent,
  statusUpdate,
} from '../../test/support/v1-frames';
import { conversationStreamReducer } from './conversation-stream';
import {
  initialConversationStreamState,
  type ConversationStreamAction,
  type ConversationStreamState,
} from './conversation-stream-state';

function run(
  actions: readonly ConversationStreamAction[],
  state = initialConversationStreamState(),
): ConversationStreamState {
  return actions.reduce(conversationStreamReducer, state);
}

function frames(...values: unknown[]): ConversationStreamAction[] {
  return values.map((value) => ({
    type: 'frame',
    data: typeof value === 'string' ? value : JSON.stringify(value),
  }));
}

const opened: ConversationStreamAction = { type: 'opened' };

describe('conversation stream: frames', () => {
  it('ignores malformed and invalid frames and keeps the valid event', () => {
    const state = run(
      frames(
        'not json {',
        { message: 'no event fields' },
        { id: 123, timestamp: '2025-01-01T00:00:00Z', source: 'agent' },
        { id: null, timestamp: '2025-01-01T00:00:00Z', source: 'agent' },
        { id: '7', timestamp: '', source: 'agent' },
        { id: '8', timestamp: '2025-01-01T00:00:00Z', source: 'robot' },
        42,
        messageEvent('valid-event-123', 'agent', 'hello'),
      ),
    );
    expect(state.events.map((event) => event.id)).toEqual(['valid-event-123']);
    expect(state.lastEventId).toBe('valid-event-123');
  });

  it('returns the same state object for a frame it ignores', () => {
    const state = initialConversationStreamState();
    expect(conversationStreamReducer(state, { type: 'frame', data: '{"nope":1}' })).toBe(state);
  });

  it('drops duplicates and keeps events in id order', () => {
    const state = run(
      frames(
        messageEvent(2, 'user', 'b'),
        messageEvent(10, 'agent', 'd'),
        messageEvent(3, 'agent', 'c'),
        messageEvent(2, 'user', 'b again'),
        messageEvent(0, 'user', 'a'),
      ),
    );
    expect(state.events.map((event) => event.id)).toEqual(['0', '2', '3', '10']);
    expect(state.events[1]?.kind === 'MessageEvent' && state.events[1].llm_message.content).toEqual(
      [{ type: 'text', text: 'b' }],
    );
    expect(state.lastEventId).toBe('10');
  });

  it('counts a valid-looking event of an unknown kind as seen without storing it', () => {
    const state = run(
      frames({ kind: 'PauseEvent', id: '5', timestamp: '2025-01-01T00:00:00Z', source: 'user' }),
    );
    expect(state.events).toEqual([]);
    expect(state.seenIds.has('5')).toBe(true);
    expect(state.lastEventId).toBe('5');
  });

  it('reads heartbeats and server error frames', () => {
    const state = run(
      frames(
        { kind: 'Heartbeat', latest_event_id: 12 },
        { kind: 'Error', code: 'RATE_LIMITED', message: 'Too many messages' },
      ),
    );
    expect(state.serverLatestEventId).toBe(12);
    expect(state.errorMessage).toBe('Too many messages');
    expect(state.events).toEqual([]);
  });
});

describe('conversation stream: state and terminal', () => {
  it('takes the execution status from full_state without storing the snapshot', () => {
    const state = run(frames(fullState('running', 4)));
    expect(state.executionStatus).toBe('running');
    expect(state.serverLatestEventId).toBe(4);
    expect(state.events).toEqual([]);
    expect(state.lastEventId).toBeNull();
  });

  it('follows execution_status updates and ignores unknown statuses', () => {
    const state = run(frames(statusUpdate(1, 'running'), statusUpdate(2, 'idle')));
    expect(state.executionStatus).toBe('idle');
    expect(run(frames(statusUpdate(3, 'sleeping' as never)), state).executionStatus).toBe('idle');
  });

  it('appends bash commands as terminal input and their output as terminal output', () => {
    const output = 'PASS  tests/example.test.js\n  ✓ should work (2 ms)';
    const state = run(frames(bashAction(1, 'npm test'), bashObservation(2, output)));
    expect(state.terminal).toEqual([
      { type: 'input', content: 'npm test', eventId: '1' },
      { type: 'output', content: output, eventId: '2' },
    ]);
    expect(run(frames(bashAction(1, 'npm test')), state).terminal).toHaveLength(2);
  });
});

describe('conversation stream: messages and errors', () => {
  it('clears the optimistic message when its echo arrives, not on an agent message', () => {
    const waiting = run([{ type: 'optimisticMessage', text: 'Hello' }]);
    expect(waiting.optimisticMessage).toBe('Hello');
    expect(run(frames(messageEvent(1, 'agent', 'Hi')), waiting).optimisticMessage).toBe('Hello');
    expect(run(frames(messageEvent(1, 'user', 'Hello')), waiting).optimisticMessage).toBeNull();
  });

  it('shows an AgentErrorEvent, and a new user message clears it', () => {
    const failed = run(
      frames(agentError('error-event-123', 'Failed to execute command: Permission denied')),
    );
    expect(failed.errorMessage).toBe('Failed to execute command: Permission denied');
    expect(run(frames(messageEvent(9, 'user', 'try again')), failed).errorMessage).toBeNull();
  });

  it('reports an abnormal close after an open as a lost connection, and clears it on the next open', () => {
    const lost = run([opened, { type: 'closed', code: 1006, reason: '', willReconnect: true }]);
    expect(lost.connection).toBe('RECONNECTING');
    expect(lost.errorMessage).toBe('Connection lost: Unexpected disconnect');
    const restored = run([opened], lost);
    expect(restored.connection).toBe('OPEN');
    expect(restored.errorMessage).toBeNull();
    const withReason = run([
      opened,
      { type: 'closed', code: 4008, reason: 'slow consumer', willReconnect: true },
    ]);
    expect(withReason.errorMessage).toBe('Connection lost: slow consumer');
  });

  it('reports a failed first connection and the refusals', () => {
    const failed = run([
      { type: 'closed', code: 1006, reason: 'Connection failed', willReconnect: true },
    ]);
    expect(failed.errorMessage).toBe('Failed to connect to server');
    expect(
      run([{ type: 'closed', code: 4001, reason: '', willReconnect: false }]).errorMessage,
    ).toBe('Authentication failed: check the session API key');
    const missing = run([opened, { type: 'closed', code: 4004, reason: '', willReconnect: false }]);
    expect(missing.errorMessage).toBe('Conversation not found');
    expect(missing.connection).toBe('CLOSED');
  });

  it('sets no error on a normal close (1000)', () => {
    const state = run([opened, { type: 'closed', code: 1000, reason: '', willReconnect: false }]);
    expect(state.errorMessage).toBeNull();
    expect(state.connection).toBe('CLOSED');
  });
});

describe('conversation stream: history loading', () => {
  it('loads until the counted number of history events arrived', () => {
    let state = run([opened, { type: 'historyCount', count: 3 }]);
    expect(state.isLoadingHistory).toBe(true);
    state = run(
      frames(fullState('idle', 2), messageEvent(0, 'user', 'a'), messageEvent(1, 'agent', 'b')),
      state,
    );
    expect(state.isLoadingHistory).toBe(true);
    state = run(frames(messageEvent(1, 'agent', 'b'), delta(2, 'partial')), state);
    expect(state.isLoadingHistory).toBe(true);
    state = run(frames(statusUpdate(3, 'idle')), state);
    expect(state.receivedHistoryCount).toBe(3);
    expect(state.isLoadingHistory).toBe(false);
  });

  it('ends at once for an empty history, and when the count arrives after the events', () => {
    expect(run([opened, { type: 'historyCount', count: 0 }]).isLoadingHistory).toBe(false);
    const early = run([
      opened,
      ...frames(messageEvent(0, 'user', 'a'), messageEvent(1, 'agent', 'b')),
    ]);
    expect(early.isLoadingHistory).toBe(true);
    expect(run([{ type: 'historyCount', count: 2 }], early).isLoadingHistory).toBe(false);
  });

  it('stops loading when the count cannot be read or the socket closes for good', () => {
    expect(run([opened, { type: 'historyCount', count: null }]).isLoadingHistory).toBe(false);
    const closed = run([
      opened,
      { type: 'historyCount', count: 5 },
      { type: 'closed', code: 4004, reason: '', willReconnect: false },
    ]);
    expect(closed.isLoadingHistory).toBe(false);
    const reconnecting = run([
      opened,
      { type: 'historyCount', count: 5 },
      { type: 'closed', code: 1006, reason: '', willReconnect: true },
    ]);
    expect(reconnecting.isLoadingHistory).toBe(true);
  });
});

describe('conversation stream: streaming text', () => {
  it('assembles deltas and clears them when the final agent message arrives', () => {
    let state = run(
      frames(messageEvent(0, 'user', 'Hi'), delta(1, 'Hel', 'thinking '), delta(2, 'lo')),
    );
    expect(state.streaming).toEqual({
      text: 'Hello',
      reasoning: 'thinking ',
      firstDeltaId: '1',
      lastDeltaId: '2',
    });
    expect(state.events.map((event) => event.id)).toEqual(['0']);
    state = run(frames(messageEvent(3, 'agent', 'Hello')), state);
    expect(state.streaming).toBeNull();
    expect(state.lastAgentMessageId).toBe('3');
    expect(state.supersededThrough).toBe(3);
  });

  it('does not repeat text when deltas are replayed after a reload or reconnect mid-answer', () => {
    let state = run(frames(delta(1, 'Hel'), delta(2, 'lo')));
    // The socket reconnects with resend_all: everything again, then the rest of the answer.
    state = run(
      frames(fullState('running', 2), delta(1, 'Hel'), delta(2, 'lo'), delta(3, ' there')),
      state,
    );
    expect(state.streaming?.text).toBe('Hello there');
  });

  it('drops deltas of an answer that already ended', () => {
    const state = run(frames(messageEvent(5, 'agent', 'Done'), delta(4, 'Do'), delta(6, 'Next')));
    expect(state.streaming?.text).toBe('Next');
  });

  it('keeps a stopped answer as interrupted and starts the next one afresh', () => {
    let state = run(frames(statusUpdate(0, 'running'), delta(1, 'Half an ans')));
    state = run(frames(statusUpdate(2, 'paused')), state);
    expect(state.streaming).toBeNull();
    expect(state.interruptedReplies).toEqual([
      { text: 'Half an ans', reasoning: '', firstDeltaId: '1', lastDeltaId: '1' },
    ]);
    state = run(frames(statusUpdate(3, 'running'), delta(4, 'New')), state);
    expect(state.streaming?.text).toBe('New');
  });
});
