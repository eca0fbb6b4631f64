/** Small statistics for the figures scenarios report (latencies, memory). */

/** The `fraction` quantile (0.99 for p99) of `samples` by nearest rank; NaN when empty. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((left, right) => left - right);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** `12.3 ms`, or `n/a` for NaN. */
export function ms(value: number): string {
  return Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`;
}

/** `12.3 MB`. */
export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A figure reported in a bound's detail but decided only in the full profile (never in CI). */
export function reportedFigure(
  name: string,
  detail: string,
  options: { full: boolean; pass: boolean },
): { name: string; pass: boolean; detail: string } {
  return options.full
    ? { name, pass: options.pass, detail }
    : { name, pass: true, detail: `${detail} (reported; decided in the full profile)` };
}
