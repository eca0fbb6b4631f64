// @ts-check
// The three B7 measurements, run the same way for Parley and for the direct-fetch peer. `stream` is
// ({ baseUrl, model, signal, onText }) => Promise, ending when the stream ends or rejecting on abort.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { latencySummary } from './store-stats.mjs';

/**
 * @typedef {{
 *   baseUrl: string,
 *   model: string,
 *   signal?: AbortSignal,
 *   onText: (text: string) => void,
 * }} StreamRequest  one completion: the stream server's model name says what it streams
 * @typedef {(request: StreamRequest) => Promise<void>} LlmStream  a client under test
 */

/**
 * The stream server's own process.cpuUsage() in µs (its GET /cpu).
 * @param {string} baseUrl
 */
async function serverCpuMicros(baseUrl) {
  const usage = /** @type {NodeJS.CpuUsage} */ (
    await (await fetch(`${baseUrl.replace(/\/v1$/, '')}/cpu`)).json()
  );
  return usage.user + usage.system;
}

/**
 * Chunks per second and client CPU per chunk over one `chunks`-chunk flood, after a warm-up. The
 * client is the measured party and runs near 100% by design; what would make the figure a lower
 * bound is the load generator (the stream server) running out of CPU, so its utilisation over the
 * flood is reported too (`loadGeneratorCpuUtilisation`, flagged by the harness above 0.9).
 * @param {LlmStream} stream
 * @param {{ baseUrl: string, chunks: number, warmupChunks: number }} settings
 */
export async function measureThroughput(stream, { baseUrl, chunks, warmupChunks }) {
  // A server is a long-running, JIT-warm process: warm up with a few untimed streams first.
  for (let warmup = 0; warmup < 3; warmup++) {
    await stream({ baseUrl, model: `flood-${warmupChunks}`, onText() {} });
  }
  globalThis.gc?.();
  let received = 0;
  const serverCpuBefore = await serverCpuMicros(baseUrl);
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await stream({
    baseUrl,
    model: `flood-${chunks}`,
    onText() {
      received++;
    },
  });
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = (await serverCpuMicros(baseUrl)) - serverCpuBefore;
  if (received !== chunks) throw new Error(`received ${received} of ${chunks} chunks`);
  return {
    chunks: received,
    seconds,
    chunksPerSecond: received / seconds,
    cpuMicrosPerChunk: (cpu.user + cpu.system) / received,
    cpuUtilisation: (cpu.user + cpu.system) / 1e6 / seconds,
    loadGeneratorCpuUtilisation: serverCpu / 1e6 / seconds,
  };
}

/**
 * Per-chunk latency (server write → client callback) over a stream paced at one chunk per ms.
 * @param {LlmStream} stream
 * @param {{ baseUrl: string, chunks: number }} settings
 */
export async function measureLatency(stream, { baseUrl, chunks }) {
  const latencies = new Float64Array(chunks);
  let received = 0;
  await stream({
    baseUrl,
    model: `paced-${chunks}-${randomUUID().replaceAll('-', '')}`,
    onText(text) {
      latencies[received++] = Number(process.hrtime.bigint() - BigInt(text)) / 1e6;
    },
  });
  if (received !== chunks) throw new Error(`received ${received} of ${chunks} chunks`);
  return latencySummary(latencies);
}

/**
 * Abort after `afterChunks` chunks of an endless stream; time until the server saw the close.
 * @param {LlmStream} stream
 * @param {{ baseUrl: string, stops: number, afterChunks: number }} settings
 */
export async function measureStop(stream, { baseUrl, stops, afterChunks }) {
  /** @type {number[]} */
  const milliseconds = [];
  for (let index = 0; index < stops; index++) {
    const token = randomUUID().replaceAll('-', '');
    const controller = new AbortController();
    let received = 0;
    let stoppedAt = 0n;
    await stream({
      baseUrl,
      model: `endless-${token}`,
      signal: controller.signal,
      onText() {
        if (++received === afterChunks) {
          stoppedAt = process.hrtime.bigint();
          controller.abort();
        }
      },
    }).catch((error) => {
      if (!controller.signal.aborted) throw error;
    });
    const closedAt = BigInt(
      await (await fetch(`${baseUrl.replace(/\/v1$/, '')}/closed/${token}`)).text(),
    );
    milliseconds.push(Number(closedAt - stoppedAt) / 1e6);
  }
  return latencySummary(milliseconds);
}
