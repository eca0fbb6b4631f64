/** @vitest-environment jsdom */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../api';
import { commandAction, editAction } from '../../../../test/support/v1-tool-frames';
import { ToolCard } from './tool-card';
import { buildToolCards } from './tool-cards';

afterEach(cleanup);

const awaiting = { confirmation: 'awaiting_confirmation' as const };

function renderAwaiting(onConfirmation?: (accept: boolean) => Promise<void>) {
  const events = [commandAction(1, 'rm -rf build', awaiting)];
  const card = buildToolCards(events, {}, 'waiting_for_confirmation').byActionId.get('1')!;
  render(
    <ol>
      <ToolCard card={card} onConfirmation={onConfirmation} />
    </ol>,
  );
}

/** A promise and the functions that settle it. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

describe('Confirm and Reject', () => {
  it('are labelled buttons in a described group, reachable from the keyboard', () => {
    renderAwaiting(vi.fn(async () => {}));
    const group = screen.getByRole('group', { name: 'Confirm or reject' });
    const description = document.getElementById(group.getAttribute('aria-describedby') ?? '');
    expect(description?.textContent).toBe('The agent asks before it goes on: run this command?');
    const confirm = screen.getByRole('button', { name: 'Confirm' });
    const reject = screen.getByRole('button', { name: 'Reject' });
    expect(confirm.tagName).toBe('BUTTON');
    expect(confirm.tabIndex).toBe(0);
    expect(reject.tabIndex).toBe(0);
    confirm.focus();
    expect(document.activeElement).toBe(confirm);
    expect(screen.getByTestId('tool-card-state').textContent).toBe('Needs confirmation');
  });

  it('Confirm sends true, disables both while sending, then gives way to a note', async () => {
    const answer = deferred();
    const onConfirmation = vi.fn(() => answer.promise);
    renderAwaiting(onConfirmation);
    fireEvent.click(screen.getByTestId('confirm-button'));
    expect(onConfirmation).toHaveBeenCalledExactlyOnceWith(true);
    expect((screen.getByTestId('confirm-button') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('reject-button') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('confirm-button').textContent).toBe('Confirming…');
    await act(async () => answer.resolve());
    expect(screen.queryByTestId('confirm-button')).toBeNull();
    expect(screen.queryByTestId('reject-button')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('Confirmed; the agent goes ahead.');
  });

  it('Reject sends false and the buttons disappear', async () => {
    const onConfirmation = vi.fn(async () => {});
    renderAwaiting(onConfirmation);
    fireEvent.click(screen.getByTestId('reject-button'));
    await waitFor(() => expect(screen.queryByTestId('reject-button')).toBeNull());
    expect(onConfirmation).toHaveBeenCalledExactlyOnceWith(false);
    expect(screen.getByRole('status').textContent).toBe('Rejected; the agent will not do it.');
  });

  it('a refused answer says why and offers the buttons again', async () => {
    const onConfirmation = vi.fn(async () => {
      throw new ApiError(
        409,
        'No action is waiting for confirmation',
        'AGENT_NOT_AWAITING_CONFIRMATION',
      );
    });
    renderAwaiting(onConfirmation);
    fireEvent.click(screen.getByTestId('confirm-button'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Not sent: No action is waiting for confirmation');
    expect((screen.getByTestId('confirm-button') as HTMLButtonElement).disabled).toBe(false);
  });

  it('are not offered without a way to answer, nor once the action is no longer awaited', () => {
    renderAwaiting(undefined);
    expect(screen.queryByTestId('confirm-button')).toBeNull();
    cleanup();
    const events = [editAction(1, { command: 'create', path: '/a', file_text: '' }, awaiting)];
    const card = buildToolCards(events, {}, 'running').byActionId.get('1')!;
    render(
      <ol>
        <ToolCard card={card} onConfirmation={vi.fn(async () => {})} />
      </ol>,
    );
    expect(screen.queryByTestId('confirm-button')).toBeNull();
  });
});
