/** A bound on every wait of a scenario, so a broken promise fails the run instead of hanging it. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves like `promise`, or rejects naming `what` once `milliseconds` have passed. */
export async function within<T>(
  promise: Promise<T>,
  milliseconds: number,
  what: string,
): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise,
      sleep(milliseconds, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`${what}: not done within ${milliseconds} ms`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}

/** Polls `check` every `intervalMs` until it returns true; false when `milliseconds` passed first. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  milliseconds: number,
  intervalMs = 100,
): Promise<boolean> {
  const end = performance.now() + milliseconds;
  for (;;) {
    if (await check()) return true;
    if (performance.now() >= end) return false;
    await sleep(intervalMs);
  }
}
