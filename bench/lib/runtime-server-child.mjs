// @ts-check
// The server process of B10 (b) (bench/runtime-bench.mjs): Parley's whole app from
// packages/server/dist (`createApp`, as main.js runs it) with its defaults (bubblewrap sandbox, the
// offline demo model, SQLite WAL, synchronous=FULL), a session API key and its data directory in a
// fresh temporary directory the sandbox user can traverse. Driven over IPC (realtime-rpc.mjs);
// reports its own CPU time, so the bench can give the server's CPU per command.
import { chmodSync, writeFileSync } from 'node:fs';
import { startCpuProfile } from './cpu-profile.mjs';
import { createConversation, startParleyApp } from './parley-dist.mjs';
import { serveRequests } from './realtime-rpc.mjs';
import { newDataDirectory, stopServerProcess } from './server-child.mjs';

/** @type {{ app: any, port: number } | undefined} */
let server;
/** @type {string | undefined} */
let dataDirectory;
/** @type {ReturnType<typeof startCpuProfile> | undefined} */
let profiler;

serveRequests({
  /** Starts Parley, creates one conversation over REST; answers its port and the id. */
  async start({ environment = {} }) {
    dataDirectory = newDataDirectory('parley-bench-runtime-server-');
    // The workspaces live under it; the unprivileged sandbox user must reach them.
    chmodSync(dataDirectory, 0o711);
    server = await startParleyApp(dataDirectory, environment);
    const conversationId = await createConversation(server.port);
    return { port: server.port, conversationId };
  },
  cpu: () => process.cpuUsage(),
  /** Starts the V8 CPU profiler (for `--cpu-prof`), so start-up stays out of the profile. */
  async profileStart() {
    profiler = startCpuProfile();
    await profiler.started;
  },
  /** Stops the profiler and writes the `.cpuprofile` to `path`. */
  async profileStop({ path }) {
    if (profiler === undefined) throw new Error('not profiling');
    const profile = await profiler.stop();
    profiler = undefined;
    writeFileSync(path, JSON.stringify(profile));
    return { path };
  },
  async stop() {
    const app = server?.app;
    server = undefined;
    return stopServerProcess(app, dataDirectory);
  },
});
