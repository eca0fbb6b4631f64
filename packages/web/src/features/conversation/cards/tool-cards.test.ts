import { describe, expect, it } from 'vitest';
import { messageEvent } from '../../../../test/support/v1-frames';
import {
  commandAction,
  commandObservation,
  editAction,
  editObservation,
  mcpAction,
  mcpObservation,
  rejection,
  toolError,
} from '../../../../test/support/v1-tool-frames';
import { buildToolCards, resultFailed } from './tool-cards';

const awaiting = { confirmation: 'awaiting_confirmation' as const };

describe('buildToolCards', () => {
  it('pairs each action with the result naming it and hides that result', () => {
    const events = [
      messageEvent(0, 'user', 'go'),
      commandAction(1, 'ls'),
      commandObservation(2, 1, 'a.txt\n'),
      editAction(3, { command: 'create', path: '/workspace/a.txt', file_text: 'x' }),
      editObservation(4, 3, { command: 'create', path: '/workspace/a.txt', prev_exist: false }),
    ];
    const cards = buildToolCards(events, {}, 'idle');
    expect([...cards.byActionId.keys()]).toEqual(['1', '3']);
    expect(cards.byActionId.get('1')).toMatchObject({ result: { id: '2' }, state: 'succeeded' });
    expect(cards.byActionId.get('3')).toMatchObject({ result: { id: '4' }, state: 'succeeded' });
    expect([...cards.hiddenIds].sort()).toEqual(['2', '4']);
  });

  it('a result whose action is not in the list stays visible', () => {
    const cards = buildToolCards([commandObservation(2, 1, 'x')], {}, 'idle');
    expect(cards.byActionId.size).toBe(0);
    expect(cards.hiddenIds.size).toBe(0);
  });

  it('gives a running command its live output, and drops it once the result is there', () => {
    const running = buildToolCards([commandAction(1, 'sleep 5')], { '1': 'tick\n' }, 'running');
    expect(running.byActionId.get('1')).toMatchObject({ state: 'running', liveOutput: 'tick\n' });
    const done = buildToolCards(
      [commandAction(1, 'sleep 5'), commandObservation(3, 1, 'tick\ntock\n')],
      { '1': 'tick\n' },
      'running',
    );
    expect(done.byActionId.get('1')?.liveOutput).toBeUndefined();
  });

  it.each([
    ['running', 'running'],
    [null, 'running'],
    ['idle', 'unfinished'],
    ['paused', 'unfinished'],
    ['error', 'unfinished'],
  ] as const)('an action without a result while the status is %s is %s', (status, state) => {
    const cards = buildToolCards([commandAction(1, 'ls')], {}, status);
    expect(cards.byActionId.get('1')?.state).toBe(state);
  });

  it('asks for confirmation only for an unanswered action awaiting it while the agent waits', () => {
    const events = [commandAction(1, 'rm -rf build', awaiting)];
    expect(buildToolCards(events, {}, 'waiting_for_confirmation').byActionId.get('1')?.state).toBe(
      'awaiting_confirmation',
    );
    expect(buildToolCards(events, {}, 'running').byActionId.get('1')?.state).toBe('running');
    const unrelated = [commandAction(1, 'ls')];
    expect(
      buildToolCards(unrelated, {}, 'waiting_for_confirmation').byActionId.get('1')?.state,
    ).toBe('unfinished');
    const answered = [...events, rejection(2, 1, 'No thanks')];
    expect(
      buildToolCards(answered, {}, 'waiting_for_confirmation').byActionId.get('1'),
    ).toMatchObject({ state: 'rejected', result: { rejection_reason: 'No thanks' } });
  });

  it('an action logged again once answered replaces its copy that awaited confirmation', () => {
    const events = [
      commandAction(1, 'rm -rf build', awaiting),
      commandAction(2, 'rm -rf build', { confirmation: 'confirmed' }),
      commandObservation(3, 2, ''),
    ];
    // Both copies carry the same tool call id, as upstream logs them.
    events[1] = { ...events[1]!, tool_call_id: 'call-1' } as (typeof events)[1];
    const cards = buildToolCards(events, {}, 'idle');
    expect([...cards.byActionId.keys()]).toEqual(['2']);
    expect(cards.hiddenIds.has('1')).toBe(true);
    expect(cards.byActionId.get('2')?.state).toBe('succeeded');
  });

  it('a tool error naming the action fails it and keeps the output seen so far', () => {
    const cards = buildToolCards(
      [commandAction(1, 'make'), toolError(2, 1, 'The sandbox is unavailable')],
      { '1': 'partial' },
      'error',
    );
    expect(cards.byActionId.get('1')).toMatchObject({ state: 'failed', liveOutput: 'partial' });
    expect(cards.hiddenIds.has('2')).toBe(true);
  });

  it('marks an MCP error result failed, and a fine one succeeded', () => {
    const events = [
      mcpAction(1, 'fetch', { url: 'x' }),
      mcpObservation(2, 1, 'fetch', '{"isError":true}', true),
      mcpAction(3, 'echo', {}),
      mcpObservation(4, 3, 'echo', '{}'),
    ];
    const cards = buildToolCards(events, {}, 'idle');
    expect(cards.byActionId.get('1')?.state).toBe('failed');
    expect(cards.byActionId.get('3')?.state).toBe('succeeded');
  });
});

describe('resultFailed', () => {
  it.each([
    [commandObservation(2, 1, '', { exitCode: 0 }), false],
    [commandObservation(2, 1, '', { exitCode: 2 }), true],
    [commandObservation(2, 1, '', { exitCode: -1 }), true],
    [commandObservation(2, 1, '', { exitCode: null }), false],
    [editObservation(2, 1, { command: 'create', path: '/a' }), false],
    [editObservation(2, 1, { command: 'create', path: '/a', error: 'exists' }), true],
    [rejection(2, 1, 'no'), false],
    [toolError(2, 1, 'boom'), true],
  ])('%#', (result, failed) => {
    expect(resultFailed(result)).toBe(failed);
  });
});
