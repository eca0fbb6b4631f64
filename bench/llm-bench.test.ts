// Smoke test of the B7 harness with the peer only (Parley's side needs packages/server/dist): the
// stream server, the three measurements and the report rows work end to end on small counts.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { measureLatency, measureStop, measureThroughput } from './lib/llm-measure.mjs';
import { summariseLlm } from './lib/llm-report.mjs';
import { directStream } from './peers/direct-fetch-consumer.mjs';

let server: ChildProcess;
let baseUrl: string;

beforeAll(async () => {
  server = spawn(
    process.execPath,
    [fileURLToPath(new URL('./lib/llm-stream-server.mjs', import.meta.url))],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
  baseUrl = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/v1`;
});
afterAll(() => {
  server.kill();
});

it('measures throughput, paced latency and stop with the direct-fetch peer', async () => {
  const throughput = await measureThroughput(directStream, {
    baseUrl,
    chunks: 3_000,
    warmupChunks: 200,
  });
  expect(throughput.chunks).toBe(3_000);
  expect(throughput.chunksPerSecond).toBeGreaterThan(0);
  const latency = await measureLatency(directStream, { baseUrl, chunks: 30 });
  expect(latency.p99Ms).toBeGreaterThanOrEqual(latency.p50Ms);
  const stop = await measureStop(directStream, { baseUrl, stops: 3, afterChunks: 5 });
  expect(Number.isFinite(stop.maxMs)).toBe(true);
  const round = { parley: { throughput, latency, stop }, direct: { throughput, latency, stop } };
  const rows = summariseLlm([round]) as { id: string; ratio?: number }[];
  expect(rows.find((row) => row.id === 'b7.chunksPerSecond')?.ratio).toBe(1);
});
