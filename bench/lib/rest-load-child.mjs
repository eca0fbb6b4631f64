// @ts-check
// The client process of B5 (bench/rest-bench.mjs): autocannon, in its own process (pinned to the
// other core when there are two), so the load generator never shares a core with the server. Reports
// autocannon's figures and this process's own CPU use, to flag a saturated client.
import autocannon from 'autocannon';
import { serveRequests } from './realtime-rpc.mjs';

serveRequests({
  async run({ url, headers, connections, pipelining, durationSeconds }) {
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const result = await autocannon({
      url,
      headers,
      connections,
      pipelining,
      duration: durationSeconds,
    });
    const wallMicros = Number(process.hrtime.bigint() - started) / 1_000;
    const cpu = process.cpuUsage(cpuBefore);
    const requests = result.requests.total;
    return {
      requests,
      seconds: wallMicros / 1e6,
      requestsPerSecond: requests / (wallMicros / 1e6),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      maxMs: result.latency.max,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      bytesPerRequest: requests === 0 ? 0 : result.throughput.total / requests,
      clientCpuUtilisation: (cpu.user + cpu.system) / wallMicros,
    };
  },
  stop: () => undefined,
});
