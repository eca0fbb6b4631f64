// @ts-check
// Small statistics helpers for the store benchmark (bench/store-bench.mjs).

/** @typedef {ArrayLike<number> & Iterable<number>} Numbers  an array or typed array of numbers */

/**
 * Nearest-rank percentile of an unsorted numeric array (or typed array); NaN when empty.
 * @param {Numbers} values
 * @param {number} p
 * @returns {number}
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/**
 * The median (mean of the two middle values for an even count).
 * @param {number[]} values
 * @returns {number}
 */
export function median(values) {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  const at = (/** @type {number} */ index) => sorted[index] ?? Number.NaN;
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/**
 * p50 / p99 / max / mean of latencies in ms.
 * @param {Numbers} latencies
 */
export function latencySummary(latencies) {
  let sum = 0;
  let max = 0;
  for (const value of latencies) {
    sum += value;
    if (value > max) max = value;
  }
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: max,
    meanMs: latencies.length === 0 ? Number.NaN : sum / latencies.length,
  };
}

/**
 * CPU time (user + system) in µs from a process.cpuUsage() delta.
 * @param {NodeJS.CpuUsage} delta
 */
export function cpuMicros(delta) {
  return delta.user + delta.system;
}

/**
 * Per variant: median ms and CPU µs/event over timed replay passes, plus every pass in ms.
 * @param {Record<string, { ms: number, cpuMicrosPerEvent: number }[]>} samplesByName
 */
export function summariseReplay(samplesByName) {
  /** @type {Record<string, { ms: number, cpuMicrosPerEvent: number, samplesMs: number[] }>} */
  const summary = {};
  for (const [name, samples] of Object.entries(samplesByName)) {
    summary[name] = {
      ms: median(samples.map((sample) => sample.ms)),
      cpuMicrosPerEvent: median(samples.map((sample) => sample.cpuMicrosPerEvent)),
      samplesMs: samples.map((sample) => sample.ms),
    };
  }
  return summary;
}

/** A growing list of numbers kept in a Float64Array (latency samples without an array of boxes). */
export class Samples {
  /** @param {number} capacity  the expected count (it grows past it) */
  constructor(capacity) {
    this.values = new Float64Array(Math.max(16, capacity));
    this.length = 0;
  }

  /** @param {number} value */
  add(value) {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** The samples so far (a view, not a copy). */
  view() {
    return this.values.subarray(0, this.length);
  }
}
