import { describe, expect, it } from 'vitest';
import { DeltaCoalescer, type DeltaChunk } from './delta-coalescer.js';

function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    setTimer: (callback: () => void) => {
      next += 1;
      pending.set(next, callback);
      return next;
    },
    clearTimer: (handle: unknown) => pending.delete(handle as number),
    fireAll() {
      for (const [handle, callback] of [...pending]) {
        pending.delete(handle);
        callback();
      }
    },
    get count() {
      return pending.size;
    },
  };
}

describe('DeltaCoalescer', () => {
  it('joins pieces until the interval fires', () => {
    const timers = manualTimers();
    const chunks: DeltaChunk[] = [];
    const coalescer = new DeltaCoalescer({
      intervalMs: 50,
      maxChars: 100,
      flush: (chunk) => chunks.push(chunk),
      ...timers,
    });
    coalescer.addText('Hel');
    coalescer.addText('lo');
    coalescer.addReasoning('hm');
    expect(chunks).toEqual([]);
    expect(timers.count).toBe(1);
    timers.fireAll();
    expect(chunks).toEqual([{ content: 'Hello', reasoningContent: 'hm' }]);
  });

  it('flushes at once at maxChars and never emits an empty chunk', () => {
    const timers = manualTimers();
    const chunks: DeltaChunk[] = [];
    const coalescer = new DeltaCoalescer({
      intervalMs: 50,
      maxChars: 5,
      flush: (chunk) => chunks.push(chunk),
      ...timers,
    });
    coalescer.addText('abc');
    coalescer.addText('defg');
    expect(chunks).toEqual([{ content: 'abcdefg', reasoningContent: '' }]);
    expect(timers.count).toBe(0);
    coalescer.flush();
    timers.fireAll();
    expect(chunks).toHaveLength(1);
  });

  it('discards what waits when the turn stops', () => {
    const timers = manualTimers();
    const chunks: DeltaChunk[] = [];
    const coalescer = new DeltaCoalescer({
      intervalMs: 50,
      maxChars: 100,
      flush: (chunk) => chunks.push(chunk),
      ...timers,
    });
    coalescer.addText('lost');
    coalescer.discard();
    timers.fireAll();
    coalescer.flush();
    expect(chunks).toEqual([]);
  });
});
