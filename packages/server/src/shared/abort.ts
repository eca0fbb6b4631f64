/**
 * AbortSignal helpers. Every rejection caused by a signal is an `AbortedError` whose `cause` is
 * the signal's `reason`, so callers can tell "the caller gave up" from real failures.
 */
import { AbortedError } from './errors.js';

/** The largest delay `setTimeout` honours; longer ones fire after 1 millisecond. */
const maxTimerMs = 2_147_483_647;

export interface DelayOptions {
  signal?: AbortSignal;
}

/** The `AbortedError` that stands for `signal` having fired; `cause` is `signal.reason`. */
export function abortedErrorFrom(signal: AbortSignal): AbortedError {
  return new AbortedError(undefined, { cause: signal.reason });
}

/** Throws an `AbortedError` (with `cause: signal.reason`) if `signal` has fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted === true) throw abortedErrorFrom(signal);
}

/**
 * Resolves after `milliseconds` milliseconds. An abort rejects at once with `AbortedError` and clears the
 * timer; an already-aborted signal rejects without scheduling anything. `milliseconds` may be `Infinity`
 * (wait until aborted); otherwise it must be between 0 and 2^31 - 1, else the promise rejects with
 * a `RangeError`.
 */
export function delay(milliseconds: number, options: DelayOptions = {}): Promise<void> {
  const { signal } = options;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortedErrorFrom(signal));
      return;
    }
    if (!(milliseconds >= 0) || (milliseconds > maxTimerMs && milliseconds !== Infinity)) {
      reject(
        new RangeError(
          `delay: milliseconds must be between 0 and ${maxTimerMs} or Infinity, got ${milliseconds}`,
        ),
      );
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedErrorFrom(signal as AbortSignal));
    };
    if (milliseconds !== Infinity) {
      timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, milliseconds);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles like `promise`, unless `signal` fires first: then rejects at once with `AbortedError`.
 * The underlying work is not stopped (a promise cannot be cancelled); pass the signal to the work
 * itself when it supports one. A later rejection of `promise` is handled, never unhandled.
 */
export function abortable<T>(promise: PromiseLike<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return Promise.resolve(promise);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedErrorFrom(signal));
    // Subscribe to the promise first so that its rejection is always handled.
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One signal that fires when any of `signals` fires, with that signal's reason. `undefined`
 * entries are skipped; with no signals left the result never fires; with one it is returned as is.
 */
export function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 0) return new AbortController().signal;
  if (present.length === 1) return present[0] as AbortSignal;
  return AbortSignal.any(present);
}

/** True for Parley's `AbortedError` and for DOM-style `AbortError`s (fetch, `AbortSignal.abort()`). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof AbortedError) return true;
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    (error as { name: unknown }).name === 'AbortError'
  );
}
