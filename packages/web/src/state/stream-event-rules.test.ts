/** @vitest-environment jsdom */
// Tool events in the conversation stream: live command output, and what supersedes streamed text.
import { describe, expect, it } from 'vitest';
import { delta, messageEvent, statusUpdate } from '../../test/support/v1-frames';
import {
  commandAction,
  commandObservation,
  commandOutput,
  editAction,
  editObservation,
} from '../../test/support/v1-tool-frames';
import { conversationStreamReducer } from './conversation-stream';
import {
  initialConversationStreamState,
  type ConversationStreamState,
} from './conversation-stream-state';

function run(...values: unknown[]): ConversationStreamState {
  return values.reduce<ConversationStreamState>(
    (state, value) =>
      conversationStreamReducer(state, { type: 'frame', data: JSON.stringify(value) }),
    initialConversationStreamState(),
  );
}

describe('conversation stream: live command output', () => {
  it('gathers a running command’s deltas by action id, apart from the streamed answer', () => {
    const state = run(
      commandAction(4, 'echo hello && ls'),
      commandOutput(5, 4, 'hello\n'),
      commandOutput(6, 4, 'a.txt\n'),
    );
    expect(state.liveOutput).toEqual({ '4': 'hello\na.txt\n' });
    expect(state.streaming).toBeNull();
    // Deltas are not history: the count the loading indicator waits for leaves them out.
    expect(state.receivedHistoryCount).toBe(1);
    expect(state.lastEventId).toBe('6');
  });

  it('keeps the output of two commands apart and drops each when its result arrives', () => {
    const state = run(
      commandAction(1, 'sleep 1; echo a'),
      commandOutput(2, 1, 'a'),
      commandObservation(3, 1, 'a\n'),
      commandAction(4, 'echo b'),
      commandOutput(5, 4, 'b'),
    );
    expect(state.liveOutput).toEqual({ '4': 'b' });
    expect(state.terminal.map((entry) => entry.content)).toEqual([
      'sleep 1; echo a',
      'a\n',
      'echo b',
    ]);
  });

  it('ignores an empty chunk and a result for an action with no live output', () => {
    const state = run(commandAction(1, 'true'), commandOutput(2, 1, ''));
    expect(state.liveOutput).toEqual({});
    const after = conversationStreamReducer(state, {
      type: 'frame',
      data: JSON.stringify(commandObservation(3, 1, '')),
    });
    expect(after.liveOutput).toBe(state.liveOutput);
  });

  it('a replayed delta is not added twice', () => {
    const state = run(commandAction(1, 'ls'), commandOutput(2, 1, 'x'), commandOutput(2, 1, 'x'));
    expect(state.liveOutput).toEqual({ '1': 'x' });
  });
});

describe('conversation stream: what ends the streamed answer', () => {
  it('an agent action supersedes the words streamed before it (they are its thought)', () => {
    const state = run(
      delta(1, 'Let me look'),
      commandAction(2, 'ls', { thought: 'Let me look' }),
      delta(1, 'Let me look'),
    );
    expect(state.streaming).toBeNull();
    expect(state.supersededThrough).toBe(2);
    expect(state.interruptedReplies).toEqual([]);
  });

  it('waiting for confirmation after an action leaves no interrupted reply behind', () => {
    const state = run(
      delta(1, 'I will create the file'),
      editAction(
        2,
        { command: 'create', path: '/workspace/a.txt', file_text: 'x' },
        { confirmation: 'awaiting_confirmation' },
      ),
      statusUpdate(3, 'waiting_for_confirmation'),
    );
    expect(state.executionStatus).toBe('waiting_for_confirmation');
    expect(state.interruptedReplies).toEqual([]);
    expect(state.events.map((event) => event.kind)).toEqual([
      'ActionEvent',
      'ConversationStateUpdateEvent',
    ]);
  });

  it('tool observations do not end the streamed answer; the final message does', () => {
    const state = run(
      editAction(1, { command: 'create', path: '/a', file_text: '' }),
      editObservation(2, 1, { command: 'create', path: '/a', prev_exist: false }),
      delta(3, 'Done'),
    );
    expect(state.streaming?.text).toBe('Done');
    expect(run(delta(3, 'Done'), messageEvent(4, 'agent', 'Done')).streaming).toBeNull();
  });
});
