import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { abortable, combineSignals, delay, isAbortError, throwIfAborted } from './abort.js';
import { AbortedError, TimeoutError } from './errors.js';

describe('throwIfAborted', () => {
  it('does nothing without a signal or with a live one', () => {
    expect(() => throwIfAborted()).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
  });

  it('throws AbortedError whose cause is the reason', () => {
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    let thrown: unknown;
    try {
      throwIfAborted(controller.signal);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AbortedError);
    expect((thrown as AbortedError).code).toBe('OPERATION_ABORTED');
    expect((thrown as AbortedError).cause).toBe(reason);
  });
});

describe('delay', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the given time', async () => {
    let isDone = false;
    const waiting = delay(100).then(() => {
      isDone = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(isDone).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(isDone).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once on abort and clears its timer', async () => {
    const controller = new AbortController();
    const waiting = delay(10_000, { signal: controller.signal });
    expect(vi.getTimerCount()).toBe(1);
    controller.abort('stop');
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    await expect(waiting).rejects.toMatchObject({ cause: 'stop' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects without scheduling when already aborted', async () => {
    const waiting = delay(100, { signal: AbortSignal.abort() });
    expect(vi.getTimerCount()).toBe(0);
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });

  it('waits until aborted with Infinity, without a timer', async () => {
    const controller = new AbortController();
    const waiting = delay(Infinity, { signal: controller.signal });
    expect(vi.getTimerCount()).toBe(0);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });

  it('rejects invalid durations', async () => {
    await expect(delay(-1)).rejects.toBeInstanceOf(RangeError);
    await expect(delay(Number.NaN)).rejects.toBeInstanceOf(RangeError);
    await expect(delay(2 ** 31)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('abortable', () => {
  it('settles like the promise when not aborted', async () => {
    const controller = new AbortController();
    await expect(abortable(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    const failure = new Error('boom');
    await expect(abortable(Promise.reject(failure), controller.signal)).rejects.toBe(failure);
    await expect(abortable(Promise.resolve('no signal'))).resolves.toBe('no signal');
  });

  it('rejects with AbortedError as soon as the signal fires', async () => {
    const controller = new AbortController();
    const racing = abortable(new Promise<never>(() => {}), controller.signal);
    controller.abort('late');
    await expect(racing).rejects.toBeInstanceOf(AbortedError);
    await expect(racing).rejects.toMatchObject({ cause: 'late' });
  });

  it('rejects for an already-aborted signal and handles the late rejection', async () => {
    let rejectLater: (error: Error) => void = () => {};
    const underlying = new Promise<never>((_resolve, reject) => {
      rejectLater = reject;
    });
    const racing = abortable(underlying, AbortSignal.abort());
    await expect(racing).rejects.toBeInstanceOf(AbortedError);
    // Would be an unhandled rejection (and fail the run) if abortable had not subscribed.
    rejectLater(new Error('late failure'));
    await Promise.resolve();
  });
});

describe('combineSignals', () => {
  it('returns a never-firing signal when given none', () => {
    const combined = combineSignals(undefined, undefined);
    expect(combined.aborted).toBe(false);
  });

  it('returns the only signal as is', () => {
    const controller = new AbortController();
    expect(combineSignals(undefined, controller.signal)).toBe(controller.signal);
  });

  it('fires with the reason of whichever signal fires first', () => {
    const first = new AbortController();
    const second = new AbortController();
    const combined = combineSignals(first.signal, undefined, second.signal);
    expect(combined.aborted).toBe(false);
    second.abort('second');
    expect(combined.aborted).toBe(true);
    expect(combined.reason).toBe('second');
  });

  it('is aborted at once when an input already is', () => {
    const combined = combineSignals(new AbortController().signal, AbortSignal.abort('early'));
    expect(combined.aborted).toBe(true);
    expect(combined.reason).toBe('early');
  });
});

describe('isAbortError', () => {
  it('recognises AbortedError and DOM AbortErrors', async () => {
    expect(isAbortError(new AbortedError())).toBe(true);
    expect(isAbortError(new DOMException('aborted', 'AbortError'))).toBe(true);
    const signal = AbortSignal.abort();
    expect(isAbortError(signal.reason)).toBe(true);
    await expect(
      fetch('http://127.0.0.1:9', { signal: AbortSignal.abort() }).catch((error: unknown) =>
        isAbortError(error),
      ),
    ).resolves.toBe(true);
  });

  it('rejects everything else', () => {
    expect(isAbortError(new Error('AbortError'))).toBe(false);
    expect(isAbortError(new TimeoutError(10))).toBe(false);
    expect(isAbortError('AbortError')).toBe(false);
    expect(isAbortError(null)).toBe(false);
    expect(isAbortError(undefined)).toBe(false);
  });
});
