/** @vitest-environment jsdom */
import { cleanup, render, screen, within } from '@testing-library/react';
import type { V1Event, V1ExecutionStatus } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { editAction, editObservation, toolError } from '../../../../test/support/v1-tool-frames';
import { ToolCard } from './tool-card';
import { buildToolCards } from './tool-cards';

afterEach(cleanup);

function renderCard(events: V1Event[], status: V1ExecutionStatus = 'idle') {
  const card = buildToolCards(events, {}, status).byActionId.get(events[0]!.id)!;
  render(
    <ol>
      <ToolCard card={card} />
    </ol>,
  );
  return screen.getByTestId('tool-card');
}

/** The diff's lines as `kind text`, in order. */
function diffLines(card: HTMLElement): string[] {
  return [...within(card).getByTestId('diff-view').querySelectorAll('.diff__line')].map(
    (line) =>
      `${line.className.replace('diff__line diff__line--', '')} ${line.textContent?.replace(/\n$/, '')}`,
  );
}

const path = '/workspace/notes.txt';
const loggedDiff = [
  `--- ${path}`,
  `+++ ${path}`,
  '@@ -1,2 +1,2 @@',
  ' first',
  '-second',
  '+second, edited',
  '',
].join('\n');

describe('the edit card', () => {
  it('shows the path, what was done and the logged diff coloured line by line', () => {
    const card = renderCard([
      editAction(1, { command: 'str_replace', path, old_str: 'second', new_str: 'second, edited' }),
      editObservation(2, 1, { command: 'str_replace', path, diff: loggedDiff }),
    ]);
    expect(card.dataset['tool']).toBe('edit');
    expect(within(card).getByText(/Replaced text in/).textContent).toBe(`Replaced text in ${path}`);
    expect(diffLines(card)).toEqual([
      'hunk @@ -1,2 +1,2 @@',
      'context  first',
      'removed -second',
      'added +second, edited',
    ]);
    expect(within(card).getByTestId('diff-view').textContent).toContain('+1 −1');
  });

  it('computes the diff from old and new contents when none was logged', () => {
    const card = renderCard([
      editAction(1, { command: 'insert', path, new_str: 'middle', insert_line: 1 }),
      editObservation(2, 1, {
        command: 'insert',
        path,
        old_content: 'top\nbottom\n',
        new_content: 'top\nmiddle\nbottom\n',
      }),
    ]);
    expect(within(card).getByText(/Inserted after line 1 of/)).toBeTruthy();
    expect(diffLines(card)).toEqual([
      'hunk @@ -1,2 +1,3 @@',
      'context  top',
      'added +middle',
      'context  bottom',
    ]);
  });

  it('a created file reads "Created" with every line added', () => {
    const card = renderCard([
      editAction(1, { command: 'create', path, file_text: 'hello\n' }),
      editObservation(2, 1, { command: 'create', path, prev_exist: false, new_content: 'hello\n' }),
    ]);
    expect(within(card).getByText(/Created/).textContent).toBe(`Created ${path}`);
    expect(diffLines(card)).toEqual(['hunk @@ -0,0 +1,1 @@', 'added +hello']);
    expect(within(card).getByLabelText(`Changes to ${path}`)).toBeTruthy();
  });

  it('an undo reads "Undid the last edit of"', () => {
    renderCard([
      editAction(1, { command: 'undo_edit', path }),
      editObservation(2, 1, { command: 'undo_edit', path, old_content: 'b\n', new_content: 'a\n' }),
    ]);
    expect(screen.getByText(/Undid the last edit of/).textContent).toBe(
      `Undid the last edit of ${path}`,
    );
  });

  it('before any result (awaiting confirmation) it shows the proposed change', () => {
    const card = renderCard(
      [
        editAction(
          1,
          { command: 'str_replace', path, old_str: 'a = 1', new_str: 'a = 2' },
          { confirmation: 'awaiting_confirmation' },
        ),
      ],
      'waiting_for_confirmation',
    );
    expect(within(card).getByText(/Wants to replace text in/)).toBeTruthy();
    expect(within(card).getByLabelText(`Proposed change to ${path}`)).toBeTruthy();
    expect(diffLines(card)).toEqual(['hunk @@ -1,1 +1,1 @@', 'removed -a = 1', 'added +a = 2']);
  });

  it('says so when the edit changed nothing, and shows a failed edit’s error', () => {
    renderCard([
      editAction(1, { command: 'str_replace', path, old_str: 'x', new_str: 'x' }),
      editObservation(2, 1, {
        command: 'str_replace',
        path,
        old_content: 'x\n',
        new_content: 'x\n',
      }),
    ]);
    expect(screen.getByText('No change to the file.')).toBeTruthy();
    cleanup();
    const card = renderCard([
      editAction(1, { command: 'str_replace', path, old_str: 'missing', new_str: 'y' }),
      toolError(2, 1, 'No replacement was performed, old_str `missing` did not appear verbatim'),
    ]);
    expect(card.dataset['state']).toBe('failed');
    expect(within(card).getByTestId('tool-error').textContent).toContain('did not appear verbatim');
  });
});
