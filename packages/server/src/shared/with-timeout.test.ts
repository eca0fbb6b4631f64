import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { delay } from './abort.js';
import { AbortedError, TimeoutError } from './errors.js';
import { withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the result and clears its timer', async () => {
    let innerSignal: AbortSignal | undefined;
    const result = withTimeout(
      async (signal) => {
        innerSignal = signal;
        await delay(10, { signal });
        return 'done';
      },
      { timeoutMs: 1000 },
    );
    await vi.advanceTimersByTimeAsync(10);
    await expect(result).resolves.toBe('done');
    expect(innerSignal?.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes the operation failure through and clears its timer', async () => {
    const failure = new Error('operation failed');
    await expect(withTimeout(() => Promise.reject(failure), { timeoutMs: 1000 })).rejects.toBe(
      failure,
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const failure = new Error('thrown synchronously');
    await expect(
      withTimeout(
        () => {
          throw failure;
        },
        { timeoutMs: 1000 },
      ),
    ).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with TimeoutError and aborts the operation signal on timeout', async () => {
    let innerSignal: AbortSignal | undefined;
    const result = withTimeout(
      (signal) => {
        innerSignal = signal;
        return delay(10_000, { signal });
      },
      { timeoutMs: 500 },
    );
    const assertion = expect(result).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(500);
    await assertion;
    await expect(result).rejects.toMatchObject({ timeoutMs: 500, code: 'OPERATION_TIMEOUT' });
    expect(innerSignal?.aborted).toBe(true);
    expect(innerSignal?.reason).toBeInstanceOf(TimeoutError);
    // The operation's own timer was cleared by the abort, and withTimeout's by firing.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once even when the operation ignores its signal', async () => {
    const result = withTimeout(() => new Promise<never>(() => {}), { timeoutMs: 50 });
    const assertion = expect(result).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(50);
    await assertion;
  });

  it('rejects with AbortedError when the outer signal fires, and clears its timer', async () => {
    const controller = new AbortController();
    let innerSignal: AbortSignal | undefined;
    const result = withTimeout(
      (signal) => {
        innerSignal = signal;
        return delay(10_000, { signal });
      },
      { timeoutMs: 5000, signal: controller.signal },
    );
    expect(vi.getTimerCount()).toBe(2);
    controller.abort('caller left');
    await expect(result).rejects.toBeInstanceOf(AbortedError);
    await expect(result).rejects.toMatchObject({ cause: 'caller left' });
    expect(innerSignal?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not start the operation when the signal is already aborted', async () => {
    const operation = vi.fn(() => Promise.resolve(1));
    await expect(
      withTimeout(operation, { timeoutMs: 100, signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(operation).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes its listener from the outer signal once settled', async () => {
    const controller = new AbortController();
    const removeListener = vi.spyOn(controller.signal, 'removeEventListener');
    await withTimeout(() => Promise.resolve('fast'), { timeoutMs: 100, signal: controller.signal });
    expect(removeListener).toHaveBeenCalledWith('abort', expect.any(Function));
    // A late abort changes nothing.
    controller.abort();
  });

  it('supports Infinity as no time limit', async () => {
    const result = withTimeout(() => Promise.resolve('unbounded'), { timeoutMs: Infinity });
    expect(vi.getTimerCount()).toBe(0);
    await expect(result).resolves.toBe('unbounded');
  });

  it('rejects invalid timeouts', async () => {
    const operation = vi.fn(() => Promise.resolve(1));
    await expect(withTimeout(operation, { timeoutMs: -5 })).rejects.toBeInstanceOf(RangeError);
    await expect(withTimeout(operation, { timeoutMs: Number.NaN })).rejects.toBeInstanceOf(
      RangeError,
    );
    expect(operation).not.toHaveBeenCalled();
  });
});
