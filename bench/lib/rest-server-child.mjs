// @ts-check
// The server process of one B5 participant (bench/rest-bench.mjs): Parley's whole app from
// packages/server/dist (`createApp`, the composition root main.js runs; SQLite WAL, synchronous=FULL,
// a session API key, REST rate limit off because every request comes from 127.0.0.1), or a peer
// from bench/peers/. Driven over IPC (realtime-rpc.mjs); reports its own CPU time for CPU per request.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveRequests } from './realtime-rpc.mjs';
import { agentMessage, benchText } from './realtime-payload.mjs';
import { createConversation, startParleyApp } from './parley-dist.mjs';
import { startCpuProfile } from './cpu-profile.mjs';

/** @type {{ port: number, close(): unknown } | undefined} */
let server;
/** @type {ReturnType<typeof startCpuProfile> | undefined} */
let profiler;

/** @param {string} dataDirectory */
async function startParley(dataDirectory) {
  const { app, port } = await startParleyApp(dataDirectory);
  return { app, port, close: () => app.close() };
}

serveRequests({
  /** Creates a conversation over REST and appends `events` ~1 KB agent messages; returns its id. */
  async seed({ dataDirectory, events, textChars }) {
    const parley = await startParley(dataDirectory);
    try {
      const id = await createConversation(parley.port);
      // Held across the awaits below: an unused stream is released.
      const { stream, release } = parley.app.eventStreams.acquire(id);
      for (let start = 0; start < events; start += 100) {
        const texts = [];
        for (let seq = start; seq < Math.min(events, start + 100); seq++)
          texts.push(benchText('rest', seq, 0, textChars));
        await stream.append(texts.map((text) => agentMessage(text)));
      }
      release();
      return { conversationId: id, latestId: await parley.app.eventStore.latestId(id) };
    } finally {
      await parley.close();
    }
  },
  async start({ participant, dataDirectory }) {
    const databasePath = join(dataDirectory, 'parley.db');
    switch (participant) {
      case 'parley':
        server = await startParley(dataDirectory);
        break;
      case 'bare-fastify': {
        const { startBareFastify } = await import('../peers/bare-fastify.mjs');
        server = await startBareFastify({ databasePath });
        break;
      }
      case 'bare-node-http': {
        const { startBareNodeHttp } = await import('../peers/bare-node-http.mjs');
        server = await startBareNodeHttp({ databasePath });
        break;
      }
      default:
        throw new Error(`unknown participant ${participant}`);
    }
    return { port: server.port };
  },
  cpu: () => process.cpuUsage(),
  /** Starts the V8 CPU profiler (for `--cpu-prof`), so startup stays out of the profile. */
  async profileStart() {
    profiler = startCpuProfile();
    await profiler.started;
  },
  /** Stops the profiler and writes the `.cpuprofile` (Chrome DevTools format) to `path`. */
  async profileStop({ path }) {
    if (profiler === undefined) throw new Error('not profiling');
    const profile = await profiler.stop();
    profiler = undefined;
    writeFileSync(path, JSON.stringify(profile));
    return { path };
  },
  async stop() {
    await server?.close();
    server = undefined;
  },
});
