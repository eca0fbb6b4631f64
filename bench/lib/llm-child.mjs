// @ts-check
// Child-process entry for bench/llm-bench.mjs: `node llm-child.mjs <parley|direct|library> <json config>`.
// Runs the three B7 measurements for one client and reports { ok, value } over IPC. The direct peer
// never loads Parley's modules.
import { measureLatency, measureStop, measureThroughput } from './llm-measure.mjs';
import { reportToParent } from './realtime-rpc.mjs';

/** @type {Record<string, () => Promise<import('./llm-measure.mjs').LlmStream>>} */
const clients = {
  parley: async () => (await import('./llm-parley.mjs')).parleyStream,
  direct: async () => (await import('../peers/direct-fetch-consumer.mjs')).directStream,
  library: async () => (await import('../peers/ai-sdk-consumer.mjs')).libraryStream,
};

const [client, configJson] = process.argv.slice(2);

try {
  const load = client === undefined ? undefined : clients[client];
  if (load === undefined) throw new Error(`unknown client ${client}`);
  const stream = await load();
  const config = JSON.parse(configJson ?? '{}');
  const throughput = await measureThroughput(stream, config);
  const latency = await measureLatency(stream, {
    baseUrl: config.baseUrl,
    chunks: config.pacedChunks,
  });
  const stop = await measureStop(stream, config);
  await reportToParent({ ok: true, value: { throughput, latency, stop } });
} catch (error) {
  await reportToParent({
    ok: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
}
process.disconnect?.();
