/** @vitest-environment jsdom */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { V1Event } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  editAction,
  editObservation,
  mcpAction,
  mcpObservation,
} from '../../../../test/support/v1-tool-frames';
import { mcpResultText } from './mcp-card';
import { ToolCard } from './tool-card';
import { buildToolCards } from './tool-cards';

afterEach(cleanup);

function renderCard(events: V1Event[]) {
  const card = buildToolCards(events, {}, 'idle').byActionId.get(events[0]!.id)!;
  render(
    <ol>
      <ToolCard card={card} />
    </ol>,
  );
  return screen.getByTestId('tool-card');
}

describe('the read card', () => {
  it('shows the path and range with the content folded away until opened', () => {
    const card = renderCard([
      editAction(1, { command: 'view', path: '/workspace/a.py', view_range: [2, 3] }),
      editObservation(2, 1, { command: 'view', path: '/workspace/a.py', output: '2\tb\n3\tc\n' }),
    ]);
    expect(card.dataset['tool']).toBe('read');
    expect(within(card).getByText(/Viewed/).textContent).toBe('Viewed /workspace/a.py, lines 2–3');
    const details = within(card).getByTestId('read-content') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(within(details).getByText('What the agent read (2 lines)')).toBeTruthy();
    fireEvent.click(within(details).getByText('What the agent read (2 lines)'));
    expect(details.open).toBe(true);
    expect(details.querySelector('pre')?.textContent).toBe('2\tb\n3\tc\n');
  });

  it('reads "from line N" for an open range, and has nothing to fold before a result', () => {
    const card = renderCard([
      editAction(1, { command: 'view', path: '/workspace/a.py', view_range: [5, -1] }),
    ]);
    expect(within(card).getByText(/Wants to view/).textContent).toBe(
      'Wants to view /workspace/a.py from line 5',
    );
    expect(within(card).queryByTestId('read-content')).toBeNull();
  });
});

describe('the MCP card', () => {
  it('shows the tool name, the arguments and the text of the result', () => {
    const card = renderCard([
      mcpAction(1, 'add', { a: 2, b: 3 }),
      mcpObservation(2, 1, 'add', '{"content":[{"type":"text","text":"5"}],"isError":false}'),
    ]);
    expect(card.dataset['tool']).toBe('mcp');
    expect(within(card).getByText('MCP tool · add')).toBeTruthy();
    expect(within(card).getByTestId('mcp-tool-name').textContent).toBe('add');
    expect(within(card).getByTestId('mcp-arguments').textContent).toBe(
      JSON.stringify({ a: 2, b: 3 }, null, 2),
    );
    const result = within(card).getByTestId('mcp-result');
    expect(result.getAttribute('aria-label')).toBe('Result');
    expect(result.textContent).toBe('5');
    expect(card.dataset['state']).toBe('succeeded');
  });

  it('marks a tool error, and shows text that is not JSON as it is', () => {
    const card = renderCard([
      mcpAction(1, 'fetch', {}),
      mcpObservation(2, 1, 'fetch', 'connection refused', true),
    ]);
    expect(card.dataset['state']).toBe('failed');
    expect(within(card).getByText(/without arguments/)).toBeTruthy();
    expect(within(card).queryByTestId('mcp-arguments')).toBeNull();
    expect(within(card).getByText('The tool reported an error:').className).toBe(
      'tool-card__failure',
    );
    const result = within(card).getByTestId('mcp-result');
    expect(result.textContent).toBe('connection refused');
    expect(result.getAttribute('aria-label')).toBe('Error');
    expect(result.className).toContain('tool-card__text--error');
  });
});

describe('mcpResultText', () => {
  it.each([
    ['{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}', 'a\nb'],
    ['{"content":[{"type":"text","text":"{\\"x\\":1}"}]}', '{\n  "x": 1\n}'],
    ['{"content":[{"type":"image","data":"AA==","mimeType":"image/png"}]}', '[image]'],
    ['{"content":[{"type":"resource","uri":"u"}]}', '{\n  "type": "resource",\n  "uri": "u"\n}'],
    [
      '{"content":[],"structuredContent":{"y":2}}',
      '{\n  "content": [],\n  "structuredContent": {\n    "y": 2\n  }\n}',
    ],
    ['[1,2]', '[\n  1,\n  2\n]'],
    ['plain words', 'plain words'],
  ])('%s', (text, shown) => {
    expect(mcpResultText(text)).toBe(shown);
  });
});
