/**
 * The server's own figures from `GET /metrics` (prom-client's default metrics): event-loop lag
 * and heap. prom-client resets its event-loop delay histogram at every scrape, so a scrape before
 * and one after a phase give that phase's lag.
 */
import { httpProbe } from './http-probe.js';

/** Unlabelled samples by metric name (`nodejs_heap_size_used_bytes` …). */
export type MetricSamples = ReadonlyMap<string, number>;

export async function scrapeMetrics(
  baseUrl: string,
  options: { localAddress?: string } = {},
): Promise<MetricSamples> {
  const answer = await httpProbe(baseUrl, {
    method: 'GET',
    path: '/metrics',
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  });
  if (answer.status !== 200) throw new Error(`GET /metrics answered ${answer.status}`);
  const samples = new Map<string, number>();
  for (const line of answer.text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      samples.set(match[1], Number(match[2]));
    }
  }
  return samples;
}

/** The phase's event-loop lag since the previous scrape: p99 and max, in ms. */
export function loopLag(samples: MetricSamples): { p99Ms: number; maxMs: number } {
  return {
    p99Ms: (samples.get('nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000,
    maxMs: (samples.get('nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000,
  };
}
