import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { delay } from './abort.js';
import { AbortedError, MultipleErrors, TimeoutError } from './errors.js';
import { waitAll } from './wait-all.js';

describe('waitAll', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs tasks in parallel: every task starts before any finishes', async () => {
    const events: string[] = [];
    const tasks = Array.from({ length: 10 }, (_unused, index) => async (signal: AbortSignal) => {
      events.push(`start ${index}`);
      await delay(100, { signal });
      events.push(`end ${index}`);
      return index;
    });
    const result = waitAll(tasks);
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const lastStart = events.lastIndexOf('start 9');
    const firstEnd = events.findIndex((event) => event.startsWith('end'));
    expect(lastStart).toBeLessThan(firstEnd);
    expect(events.filter((event) => event.startsWith('start'))).toHaveLength(10);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('returns results in input order, not completion order', async () => {
    const completed: number[] = [];
    const tasks = [30, 10, 20].map((ms) => async (signal: AbortSignal) => {
      await delay(ms, { signal });
      completed.push(ms);
      return ms;
    });
    const result = waitAll(tasks);
    await vi.advanceTimersByTimeAsync(30);
    await expect(result).resolves.toEqual([30, 10, 20]);
    expect(completed).toEqual([10, 20, 30]);
  });

  it('resolves to [] for no tasks', async () => {
    await expect(waitAll([])).resolves.toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('accepts any iterable', async () => {
    function* generate(): Generator<() => Promise<string>> {
      yield () => Promise.resolve('a');
      yield () => Promise.resolve('b');
    }
    await expect(waitAll(generate())).resolves.toEqual(['a', 'b']);
  });

  it('rejects with the one error, after every task settled', async () => {
    const failure = new Error('task 1 failed');
    let isSlowTaskDone = false;
    const result = waitAll([
      () => Promise.resolve(0),
      () => Promise.reject(failure),
      async (signal: AbortSignal) => {
        await delay(50, { signal });
        isSlowTaskDone = true;
        return 2;
      },
    ]);
    let settledError: unknown;
    result.catch((error: unknown) => {
      settledError = error;
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(settledError).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).rejects.toBe(failure);
    expect(isSlowTaskDone).toBe(true);
  });

  it('turns a synchronous throw into that task failing', async () => {
    const failure = new Error('thrown synchronously');
    await expect(
      waitAll([
        () => {
          throw failure;
        },
        () => Promise.resolve(1),
      ]),
    ).rejects.toBe(failure);
  });

  it('rejects with MultipleErrors in input order for several failures', async () => {
    const first = new Error('first');
    const second = new Error('second');
    const result = waitAll([
      async (signal: AbortSignal) => {
        await delay(20, { signal });
        throw first;
      },
      () => Promise.resolve('fine'),
      () => Promise.reject(second),
    ]);
    const assertion = expect(result).rejects.toBeInstanceOf(MultipleErrors);
    await vi.advanceTimersByTimeAsync(20);
    await assertion;
    const error = (await result.catch((caught: unknown) => caught)) as MultipleErrors;
    expect(error.errors).toEqual([first, second]);
    expect(error.message).toBe('first\nsecond');
    expect(error.code).toBe('MULTIPLE_ERRORS');
  });

  it('on timeout aborts unfinished tasks only and rejects with TimeoutError', async () => {
    const signals: AbortSignal[] = [];
    const tasks = [10, 1000, 2000].map((ms) => async (signal: AbortSignal) => {
      signals.push(signal);
      await delay(ms, { signal });
      return ms;
    });
    const result = waitAll(tasks, { timeoutMs: 500 });
    const assertion = expect(result).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(500);
    await assertion;
    expect(signals.map((signal) => signal.aborted)).toEqual([false, true, true]);
    expect(signals[1]?.reason).toBeInstanceOf(TimeoutError);
    // The pending tasks' timers were cleared by their aborted signals.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('defaults to a 15 s timeout', async () => {
    const result = waitAll([(signal: AbortSignal) => delay(60_000, { signal })]);
    const assertion = expect(result).rejects.toMatchObject({ timeoutMs: 15_000 });
    await vi.advanceTimersByTimeAsync(14_999);
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await assertion;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts tasks and rejects with AbortedError when the outer signal fires', async () => {
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const result = waitAll(
      [1, 2].map(() => (signal: AbortSignal) => {
        signals.push(signal);
        return delay(1000, { signal });
      }),
      { signal: controller.signal },
    );
    controller.abort('shutdown');
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    await expect(result).rejects.toMatchObject({ cause: 'shutdown' });
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts nothing when the outer signal is already aborted', async () => {
    const task = vi.fn(() => Promise.resolve(1));
    await expect(waitAll([task], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(task).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
