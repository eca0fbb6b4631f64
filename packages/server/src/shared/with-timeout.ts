import { abortedErrorFrom } from './abort.js';
import { TimeoutError } from './errors.js';

/** The largest delay `setTimeout` honours; longer ones fire after 1 ms. */
const maxTimerMs = 2_147_483_647;

export interface WithTimeoutOptions {
  /** Milliseconds before the operation is abandoned; `Infinity` means no time limit. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs `operation` with a signal that fires when `timeoutMs` elapses or when `options.signal`
 * fires, whichever comes first.
 *
 * - The operation settles first: the result settles the same way.
 * - Timeout: rejects at once with `TimeoutError`; the operation's signal is aborted with that
 *   error as its reason so the operation can stop.
 * - Outer abort: rejects at once with `AbortedError` (`cause` = the outer reason); the operation's
 *   signal is aborted with that error as its reason.
 * - Outer signal already aborted: rejects with `AbortedError` without calling `operation`.
 *
 * The timer and the listener on the outer signal are removed in every path. The result does not
 * wait for an aborted operation to wind down; its late settlement is ignored (never unhandled).
 * `timeoutMs` must be between 0 and 2^31 - 1, or `Infinity`; otherwise rejects with `RangeError`.
 */
export function withTimeout<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  options: WithTimeoutOptions,
): Promise<T> {
  const { timeoutMs, signal } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortedErrorFrom(signal));
      return;
    }
    if (!(timeoutMs >= 0) || (timeoutMs > maxTimerMs && timeoutMs !== Infinity)) {
      reject(
        new RangeError(
          `withTimeout: timeoutMs must be between 0 and ${maxTimerMs} or Infinity, got ${timeoutMs}`,
        ),
      );
      return;
    }

    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let isSettled = false;

    const settle = (finish: () => void): boolean => {
      if (isSettled) return false;
      isSettled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onOuterAbort);
      finish();
      return true;
    };
    const stopWith = (error: Error): void => {
      if (settle(() => reject(error))) controller.abort(error);
    };
    function onOuterAbort(): void {
      stopWith(abortedErrorFrom(signal as AbortSignal));
    }

    signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (timeoutMs !== Infinity) {
      timer = setTimeout(() => stopWith(new TimeoutError(timeoutMs)), timeoutMs);
    }

    let running: Promise<T>;
    try {
      running = operation(controller.signal);
    } catch (error) {
      settle(() => reject(error));
      return;
    }
    Promise.resolve(running).then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
