// What the bench uses of autocannon (it ships no types): one run and the figures it reports.
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string;
    headers?: Record<string, string>;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
  }
  interface AutocannonResult {
    requests: { total: number };
    latency: { p50: number; p99: number; max: number };
    throughput: { total: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  export default function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
}
