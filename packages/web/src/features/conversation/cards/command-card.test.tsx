/** @vitest-environment jsdom */
import { cleanup, render, screen, within } from '@testing-library/react';
import type { V1Event, V1ExecutionStatus } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandAction,
  commandObservation,
  rejection,
  toolError,
} from '../../../../test/support/v1-tool-frames';
import { ToolCard } from './tool-card';
import { buildToolCards } from './tool-cards';

afterEach(cleanup);

function renderCard(
  events: V1Event[],
  status: V1ExecutionStatus | null = 'idle',
  liveOutput: Record<string, string> = {},
) {
  const card = buildToolCards(events, liveOutput, status).byActionId.get(events[0]!.id)!;
  render(
    <ol>
      <ToolCard card={card} />
    </ol>,
  );
  return screen.getByTestId('tool-card');
}

describe('the command card', () => {
  it('shows the command in a terminal with its live output while it runs', () => {
    const card = renderCard([commandAction(1, 'echo hello && ls')], 'running', {
      '1': 'hello\n',
    });
    expect(card.dataset['tool']).toBe('command');
    expect(card.dataset['state']).toBe('running');
    expect(within(card).getByLabelText('Command').textContent).toBe('$echo hello && ls');
    const output = within(card).getByTestId('command-output');
    expect(output.textContent).toBe('hello\n');
    expect(output.getAttribute('aria-label')).toBe('Output so far');
    expect(output.getAttribute('aria-busy')).toBe('true');
    expect(within(card).getByTestId('tool-card-state').textContent).toBe('Running');
    expect(within(card).queryByTestId('command-result')).toBeNull();
  });

  it('says it waits for output while a command has printed nothing yet', () => {
    const card = renderCard([commandAction(1, 'sleep 10')], 'running');
    expect(within(card).getByTestId('command-output').textContent).toBe('Waiting for output…');
  });

  it('replaces live output with the final output, exit code 0 and the working directory', () => {
    const card = renderCard(
      [
        commandAction(1, 'echo hello && ls'),
        commandObservation(2, 1, 'hello\na.txt\n', { workingDir: '/workspace' }),
      ],
      'running',
      { '1': 'hel' },
    );
    expect(card.dataset['state']).toBe('succeeded');
    expect(within(card).getByTestId('command-output').textContent).toBe('hello\na.txt\n');
    expect(within(card).getByTestId('command-output').getAttribute('aria-label')).toBe('Output');
    expect(within(card).getByTestId('exit-code').textContent).toBe('exit code 0');
    expect(within(card).getByTestId('exit-code').className).toBe('tool-card__success');
    expect(within(card).getByTestId('command-result').textContent).toContain('in /workspace');
    expect(within(card).getByTestId('tool-card-state').textContent).toBe('Done');
  });

  it('marks a failed command: its exit code, the card state and its label', () => {
    const card = renderCard([
      commandAction(1, 'false'),
      commandObservation(2, 1, '', { exitCode: 1 }),
    ]);
    expect(card.dataset['state']).toBe('failed');
    expect(card.className).toContain('tool-card--failed');
    expect(within(card).getByTestId('exit-code').textContent).toBe('exit code 1');
    expect(within(card).getByTestId('exit-code').className).toBe('tool-card__failure');
    expect(within(card).getByRole('article').getAttribute('aria-label')).toBe('Command: Failed');
    expect(within(card).getByTestId('command-output').textContent).toBe('(no output)');
  });

  it('says when the command was still running as the agent stopped waiting', () => {
    const card = renderCard([
      commandAction(1, 'sleep 600'),
      commandObservation(2, 1, 'partial', { exitCode: -1 }),
    ]);
    expect(within(card).getByTestId('command-result').textContent).toContain(
      'Still running when the agent stopped waiting for it',
    );
    expect(within(card).queryByTestId('exit-code')).toBeNull();
  });

  it('keeps a long output inside a focusable, scrolling block', () => {
    const long = Array.from({ length: 500 }, (_, index) => `line ${index}`).join('\n');
    const card = renderCard([commandAction(1, 'seq 500'), commandObservation(2, 1, long)]);
    const output = within(card).getByTestId('command-output');
    expect(output.className).toContain('terminal--output');
    expect(output.tabIndex).toBe(0);
  });

  it('shows a rejection with its reason, and a tool error with its text', () => {
    renderCard([commandAction(1, 'rm -rf /'), rejection(2, 1, 'Not on my machine')]);
    expect(screen.getByTestId('rejection').textContent).toBe('Rejected: Not on my machine');
    expect(screen.getByTestId('tool-card').dataset['state']).toBe('rejected');
    cleanup();
    renderCard([commandAction(1, 'ls'), toolError(2, 1, 'bubblewrap is not installed')], 'error', {
      '1': 'so far',
    });
    expect(screen.getByTestId('tool-error').textContent).toBe('bubblewrap is not installed');
    expect(screen.getByTestId('command-output').textContent).toBe('so far');
  });

  it('tells input to a running command, and an empty command that waits for more output', () => {
    const input = commandAction(1, 'y');
    if (input.action.kind === 'ExecuteBashAction') input.action.is_input = true;
    renderCard([input]);
    expect(screen.getByLabelText('Input to the running command').textContent).toBe('›y');
    cleanup();
    renderCard([commandAction(1, '')]);
    expect(screen.getByTestId('command-line').textContent).toBe(
      '$(waits for more output of the running command)',
    );
  });

  it('shows the thought the agent had before the call', () => {
    renderCard([commandAction(1, 'ls', { thought: 'Let me look around.' })]);
    expect(screen.getByText('Let me look around.').className).toBe('event__thought');
  });
});
