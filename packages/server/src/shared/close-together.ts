import { TimeoutError } from './errors.js';
import { waitAll } from './wait-all.js';

/** A part of the app that shutdown closes, named for the error that reports it stuck. */
export interface ClosablePart {
  readonly name: string;
  /** `signal` fires when the deadline passes: the part is abandoned and may stop trying. */
  close(signal: AbortSignal): Promise<void>;
}

/**
 * Closes parts that do not depend on each other all at once, under one deadline (`waitAll`), so
 * a part that never finishes cannot hold up what comes after.
 *
 * Resolves when every part closed. Past the deadline, rejects at once with a `TimeoutError` naming
 * the parts still closing (their signals abort); the others are closed by then. Otherwise, when
 * parts failed, rejects as `waitAll` does, after every part settled: with the one error, or
 * `MultipleErrors`.
 */
export async function closeTogether(
  parts: readonly ClosablePart[],
  options: { timeoutMs: number },
): Promise<void> {
  const stillClosing = new Set(parts.map((part) => part.name));
  try {
    await waitAll(
      parts.map((part) => async (signal: AbortSignal) => {
        try {
          await part.close(signal);
        } finally {
          stillClosing.delete(part.name);
        }
      }),
      { timeoutMs: options.timeoutMs },
    );
  } catch (error) {
    // A part's own timeout, once every part settled, is that part's failure, not the deadline.
    if (!(error instanceof TimeoutError) || stillClosing.size === 0) throw error;
    throw new TimeoutError(
      options.timeoutMs,
      `Still closing after ${options.timeoutMs} ms: ${[...stillClosing].join(', ')}`,
    );
  }
}
