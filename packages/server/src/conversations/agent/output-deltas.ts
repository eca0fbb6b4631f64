import type { NewEvent, StoredEvent } from '../../events/event-store.js';
import { DeltaCoalescer } from './delta-coalescer.js';

/**
 * A tool's output while it runs, coalesced like model output and logged as streaming deltas
 * caused by its action, so a client that reloads mid-command sees the output so far, then the rest.
 * The first chunk is logged at once (a command's first output should not wait for the coalescing
 * interval, which can outlast a short command); later ones are coalesced.
 */
export function outputDeltas(options: {
  actionId: number;
  intervalMs: number;
  maxChars: number;
  append(events: readonly NewEvent[]): Promise<StoredEvent[]>;
}): { onOutput(chunk: string): void; finish(): Promise<void> } {
  const appends: Promise<unknown>[] = [];
  const coalescer = new DeltaCoalescer({
    intervalMs: options.intervalMs,
    maxChars: options.maxChars,
    flush: (chunk) => {
      appends.push(
        options.append([
          { source: 'agent', cause: options.actionId, streaming_delta: { content: chunk.content } },
        ]),
      );
    },
  });
  let first = true;
  return {
    onOutput: (chunk) => {
      coalescer.addText(chunk);
      if (first) {
        first = false;
        coalescer.flush();
      }
    },
    /** Flushes what waits and resolves once every delta is logged (before the observation). */
    finish: async () => {
      coalescer.flush();
      await Promise.allSettled(appends);
    },
  };
}
