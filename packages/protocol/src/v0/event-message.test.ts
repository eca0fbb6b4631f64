import { describe, it, expect } from 'vitest';
import type { ActionEvent } from './action-event.js';
import { eventMessage } from './event-message.js';
import type { ObservationEvent } from './observation-event.js';

describe('eventMessage', () => {
  it.each<[ActionEvent | ObservationEvent, string]>([
    [{ action: 'message', args: { content: 'Hello' } }, 'Hello'],
    [{ action: 'system', args: { content: 'Prompt' } }, 'Prompt'],
    [
      { action: 'change_agent_state', args: { agent_state: 'stopped' } },
      'Agent state changed to stopped',
    ],
    [{ action: 'run', args: { command: 'ls' } }, 'Running command: ls'],
    [{ action: 'finish', args: { thought: 'Done.' } }, 'Done.'],
    [{ action: 'finish', args: {} }, "All done! What's next on the agenda?"],
    [
      { action: 'recall', args: { query: 'q'.repeat(60) } },
      `Retrieving content for: ${'q'.repeat(50)}`,
    ],
    [{ action: 'null', args: {} }, 'No action'],
    [{ observation: 'agent_state_changed', content: '', extras: { agent_state: 'error' } }, ''],
    [{ observation: 'error', content: 'Boom', extras: {} }, 'Boom'],
    [
      { observation: 'run', content: '', extras: { command: 'ls', metadata: { exit_code: 2 } } },
      'Command `ls` executed with exit code 2.',
    ],
    [
      { observation: 'run', content: '', extras: { command: 'ls' } },
      'Command `ls` executed with exit code -1.',
    ],
    [{ observation: 'user_rejected', content: 'No', extras: {} }, 'No'],
    [
      { observation: 'recall', content: '', extras: { recall_type: 'workspace_context' } },
      'Added workspace context',
    ],
    [
      { observation: 'recall', content: '', extras: { recall_type: 'knowledge' } },
      'Added microagent knowledge',
    ],
    [{ observation: 'null', content: '', extras: {} }, 'No observation'],
  ])('derives the upstream message of %j', (event, message) => {
    expect(eventMessage(event)).toBe(message);
  });

  it('cuts a recall query at 50 code points, like Python slicing', () => {
    const query = '😀'.repeat(60);
    expect(eventMessage({ action: 'recall', args: { query } })).toBe(
      `Retrieving content for: ${'😀'.repeat(50)}`,
    );
  });
});
