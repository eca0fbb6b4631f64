/**
 * Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): the n-th retry (n = 0, 1, …) waits a uniformly random time in
 * [0, min(cap, base · 2^n)). Spreading retries over the whole window keeps a crowd of clients that
 * lost the server at the same moment from coming back in lockstep.
 */
export interface BackoffOptions {
  /** Window of the first retry, in ms. */
  baseDelayMs: number;
  /** Largest window, in ms. */
  maxDelayMs: number;
  /** A number in [0, 1); `Math.random` unless a test injects its own. */
  random: () => number;
}

export const defaultBackoff: Readonly<Omit<BackoffOptions, 'random'>> = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** The delay before retry number `attempt` (0 for the first retry), in whole ms. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // 2^exponent overflows to Infinity for large exponents, which Math.min turns into the cap.
  const window = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const fraction = Math.min(Math.max(options.random(), 0), 1);
  return Math.floor(fraction * window);
}
