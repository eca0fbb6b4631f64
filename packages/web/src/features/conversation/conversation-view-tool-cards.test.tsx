/** @vitest-environment jsdom */
// The conversation page's history with tool calls: one card per call, results inside their card,
// live output, and Confirm / Reject wired to the view model.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { V1Event, V1ExecutionStatus } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messageEvent, statusUpdate } from '../../../test/support/v1-frames';
import {
  commandAction,
  commandObservation,
  editAction,
  editObservation,
  mcpAction,
  mcpObservation,
  rejection,
} from '../../../test/support/v1-tool-frames';
import { ConversationView } from './conversation-view';
import type { ConversationViewModel } from './conversation-view-model';

beforeEach(() => {
  // jsdom has no layout: the list's keep-at-the-bottom scrolling is a no-op here.
  vi.spyOn(window, 'scrollTo').mockImplementation(() => {});
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function viewModel(
  events: V1Event[],
  executionStatus: V1ExecutionStatus,
  extra: Partial<ConversationViewModel> = {},
): ConversationViewModel {
  return {
    events,
    partialText: '',
    interruptedReplies: [],
    executionStatus,
    agentState: null,
    connection: 'open',
    isReconnecting: false,
    attemptCount: 0,
    error: null,
    isLoadingHistory: false,
    pendingMessage: null,
    sendMessage: vi.fn(),
    stop: vi.fn(),
    ...extra,
  };
}

const cards = () => screen.getAllByTestId('tool-card');

describe('the conversation view with tool calls', () => {
  it('shows each call once as a card, with its result inside, between the messages', () => {
    const events: V1Event[] = [
      messageEvent(0, 'user', '/run echo hello && ls'),
      commandAction(1, 'echo hello && ls'),
      commandObservation(2, 1, 'hello\na.txt\n'),
      editAction(3, { command: 'create', path: '/workspace/a.txt', file_text: 'hi\n' }),
      editObservation(4, 3, { command: 'create', path: '/workspace/a.txt', prev_exist: false }),
      mcpAction(5, 'echo', { text: 'ping' }),
      mcpObservation(6, 5, 'echo', '{"text":"ping"}'),
      messageEvent(7, 'agent', 'All done.'),
      statusUpdate(8, 'idle'),
    ];
    render(<ConversationView view={viewModel(events, 'idle')} />);
    const list = screen.getByTestId('event-list');
    const ids = [...list.querySelectorAll('[data-event-id]')].map((item) =>
      item.getAttribute('data-event-id'),
    );
    expect(ids).toEqual(['0', '1', '3', '5', '7']);
    expect(cards().map((card) => card.dataset['tool'])).toEqual(['command', 'edit', 'mcp']);
    expect(within(cards()[0]!).getByTestId('command-output').textContent).toBe('hello\na.txt\n');
    expect(within(cards()[1]!).getByTestId('diff-view').textContent).toContain('+hi');
    expect(within(cards()[2]!).getByTestId('mcp-result').textContent).toContain('"ping"');
  });

  it('shows a running command’s live output from the view model', () => {
    render(
      <ConversationView
        view={viewModel([commandAction(1, 'sleep 1; echo tick')], 'running', {
          liveOutput: { '1': 'tick\n' },
        })}
      />,
    );
    expect(within(cards()[0]!).getByTestId('command-output').textContent).toBe('tick\n');
    expect(cards()[0]!.dataset['state']).toBe('running');
  });

  it('Confirm answers through the view model; a rejection then shows in the card', async () => {
    const respondToConfirmation = vi.fn(async () => {});
    const events = [commandAction(1, 'rm -rf build', { confirmation: 'awaiting_confirmation' })];
    const { rerender } = render(
      <ConversationView
        view={viewModel(events, 'waiting_for_confirmation', { respondToConfirmation })}
      />,
    );
    expect(screen.getByTestId('agent-state').textContent).toBe('Agent: Needs confirmation');
    fireEvent.click(screen.getByTestId('reject-button'));
    await waitFor(() => expect(screen.queryByTestId('reject-button')).toBeNull());
    expect(respondToConfirmation).toHaveBeenCalledExactlyOnceWith(false);

    rerender(
      <ConversationView
        view={viewModel([...events, rejection(2, 1, 'User rejected the action')], 'idle', {
          respondToConfirmation,
        })}
      />,
    );
    expect(cards()[0]!.dataset['state']).toBe('rejected');
    expect(screen.getByTestId('rejection').textContent).toBe('Rejected: User rejected the action');
    expect(screen.queryByTestId('confirm-button')).toBeNull();
  });

  it('keeps Stop live while an action waits for confirmation, and off once the agent waits for input', () => {
    const { rerender } = render(
      <ConversationView view={viewModel([], 'waiting_for_confirmation')} />,
    );
    const stopButton = () => screen.getByTestId<HTMLButtonElement>('stop-button');
    expect(stopButton().disabled).toBe(false);
    rerender(<ConversationView view={viewModel([], 'idle')} />);
    expect(stopButton().disabled).toBe(true);
  });
});
