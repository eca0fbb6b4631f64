import { describe, expect, it } from 'vitest';
import type { NewEvent, StoredEvent } from '../../events/event-store.js';
import { outputDeltas } from './output-deltas.js';

describe('outputDeltas', () => {
  it('logs the first chunk at once, coalesces the rest, and logs what waits on finish', async () => {
    const appended: NewEvent[][] = [];
    const deltas = outputDeltas({
      actionId: 12,
      intervalMs: 60_000,
      maxChars: 1_000,
      append: (events) => {
        appended.push([...events]);
        return Promise.resolve([] as StoredEvent[]);
      },
    });
    deltas.onOutput('first line\n');
    expect(appended).toEqual([
      [{ source: 'agent', cause: 12, streaming_delta: { content: 'first line\n' } }],
    ]);
    deltas.onOutput('second ');
    deltas.onOutput('third\n');
    expect(appended).toHaveLength(1);
    await deltas.finish();
    expect(appended.at(-1)).toEqual([
      { source: 'agent', cause: 12, streaming_delta: { content: 'second third\n' } },
    ]);
  });
});
