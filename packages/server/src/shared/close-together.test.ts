import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeTogether, type ClosablePart } from './close-together.js';
import { MultipleErrors, TimeoutError } from './errors.js';

/** A part that records its close and finishes as told. */
function part(
  name: string,
  closed: string[],
  behaviour: 'closes' | 'hangs' | Error = 'closes',
): ClosablePart & { signal?: AbortSignal } {
  const recorded: ClosablePart & { signal?: AbortSignal } = {
    name,
    close(signal) {
      recorded.signal = signal;
      if (behaviour === 'hangs') return new Promise(() => {});
      if (behaviour instanceof Error) return Promise.reject(behaviour);
      closed.push(name);
      return Promise.resolve();
    },
  };
  return recorded;
}

describe('closeTogether', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes every part and resolves', async () => {
    const closed: string[] = [];
    await closeTogether([part('a', closed), part('b', closed)], { timeoutMs: 100 });
    expect(closed).toEqual(['a', 'b']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('past the deadline rejects naming only the parts still closing, and aborts them', async () => {
    const closed: string[] = [];
    const stuck = part('transport', closed, 'hangs');
    const result = closeTogether([part('a', closed), stuck, part('b', closed)], {
      timeoutMs: 100,
    });
    const rejection = expect(result).rejects.toThrow(
      new TimeoutError(100, 'Still closing after 100 ms: transport'),
    );
    await vi.advanceTimersByTimeAsync(100);
    await rejection;
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
    expect(closed).toEqual(['a', 'b']);
    expect(stuck.signal?.aborted).toBe(true);
  });

  it('a failure is reported after every part settled; several as MultipleErrors', async () => {
    const closed: string[] = [];
    const failure = new Error('quit failed');
    await expect(
      closeTogether([part('redis', closed, failure), part('a', closed)], { timeoutMs: 100 }),
    ).rejects.toBe(failure);
    expect(closed).toEqual(['a']);
    const both = closeTogether(
      [part('one', closed, new Error('one')), part('two', closed, new Error('two'))],
      { timeoutMs: 100 },
    );
    await expect(both).rejects.toBeInstanceOf(MultipleErrors);
    await expect(both).rejects.toThrow('one\ntwo');
  });

  it("a part's own timeout is its failure, not the deadline's", async () => {
    const own = new TimeoutError(10, 'quit timed out');
    await expect(closeTogether([part('redis', [], own)], { timeoutMs: 100 })).rejects.toBe(own);
  });
});
