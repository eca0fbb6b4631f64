// @ts-check
// The server process of one realtime-benchmark participant (bench/realtime-bench.mjs): a peer from
// bench/peers/ or Parley from dist, plus the producer that feeds it. Driven over IPC (realtime-rpc.mjs).
// The producer lives in the server process, as an agent loop does: its cost is part of the server's.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import { serveRequests } from './realtime-rpc.mjs';
import { benchText, defaultTextChars, now } from './realtime-payload.mjs';
import { newDataDirectory, startPacer, stopServerProcess, trackErrors } from './server-child.mjs';
import { cpuMicros } from './store-stats.mjs';

/**
 * @typedef {{
 *   port: number,
 *   publish: (conversationId: string, text: string) => unknown,
 *   close: () => unknown,
 *   latestId?: (conversationId: string) => Promise<number>,
 *   traceCommands?: (
 *     conversationId: string,
 *     options: { profilePath?: string },
 *   ) => { stop(): Promise<object> },
 * }} BenchServer  a peer, or Parley (which also has a log and can trace commands)
 */

/** @type {BenchServer | undefined} */
let server;
/** @type {string | undefined} */
let dataDirectory;
/** Bench events produced so far (their sequence numbers are 0…produced-1). */
let produced = 0;
/** Events every client has received, as the clients last reported. */
let fully = 0;
/** @type {(() => void)[]} */
let progressWaiters = [];
/**
 * @type {{
 *   loop: Promise<void>,
 *   cpuStart: NodeJS.CpuUsage,
 *   startedAt: number,
 *   errors: string[],
 *   count: number,
 * } | undefined}
 */
let production;
/** @type {import('./server-child.mjs').Pacer | undefined} */
let pacing;

/** The server, once `start` has started it. */
function started() {
  if (server === undefined) throw new Error('not started');
  return server;
}

/** @returns {Promise<void>} */
function waitForProgress() {
  return new Promise((resolve) => progressWaiters.push(resolve));
}

/** @param {{ participant: string, conversations?: number }} settings */
async function start({ participant, conversations = 1 }) {
  switch (participant) {
    case 'raw-ws': {
      const { startRawWsBroadcast } = await import('../peers/raw-ws-broadcast.mjs');
      server = await startRawWsBroadcast();
      return peerConversations(server, conversations);
    }
    case 'plain-socketio': {
      const { startPlainSocketIoRoom } = await import('../peers/plain-socketio-room.mjs');
      server = await startPlainSocketIoRoom();
      return peerConversations(server, conversations);
    }
    case 'parley-socketio':
    case 'parley-v1': {
      const { startParley } = await import('./realtime-parley.mjs');
      dataDirectory = newDataDirectory('parley-realtime-bench-');
      const parley = await startParley({
        face: participant === 'parley-v1' ? 'v1' : 'socketio',
        conversations,
        dataDirectory,
      });
      server = parley;
      return {
        port: parley.port,
        available: parley.available,
        reason: parley.reason,
        conversations: parley.conversations,
      };
    }
    default:
      throw new Error(`unknown participant ${participant}`);
  }
}

/**
 * @param {{ port: number }} peer
 * @param {number} count
 */
function peerConversations(peer, count) {
  return {
    port: peer.port,
    available: true,
    conversations: Array.from({ length: count }, (_, index) => ({ id: `c${index}`, latestId: -1 })),
  };
}

/**
 * Produces `count` events as fast as the clients take them: never more than `window` events ahead of
 * the slowest client, so no socket buffer grows without bound. It hands the server `burst` events
 * back to back, then lets the event loop turn (so that Parley's group commit can batch them, as it
 * batches concurrent appends, and IPC progress gets in). Returns at once; `finishProduce` collects
 * the figures.
 * @param {{ conversationId: string, count: number, window: number, burst?: number, textChars?: number }} settings
 */
function produce({ conversationId, count, window, burst = 10, textChars = defaultTextChars }) {
  if (production !== undefined) throw new Error('already producing');
  /** @type {string[]} */
  const errors = [];
  const pendingAppends = new Set();
  const cpuStart = process.cpuUsage();
  const startedAt = now();
  const loop = (async () => {
    for (let index = 0; index < count; index++) {
      while (produced - fully >= window) await waitForProgress();
      const text = benchText('ev', produced, now(), textChars);
      produced++;
      const pendingAppend = trackErrors(started().publish(conversationId, text), errors);
      if (pendingAppend !== undefined) {
        pendingAppends.add(pendingAppend);
        pendingAppend.finally(() => pendingAppends.delete(pendingAppend)).catch(() => {});
      }
      if ((index + 1) % burst === 0) await yieldToLoop();
    }
    await Promise.allSettled([...pendingAppends]);
  })();
  production = { loop, cpuStart, startedAt, errors, count };
  return { startedAt, firstSeq: produced };
}

/** Waits for the producer to finish; the server's CPU is counted up to this call. */
async function finishProduce() {
  if (production === undefined) throw new Error('not producing');
  const { loop, cpuStart, startedAt, errors, count } = production;
  await loop;
  const cpu = process.cpuUsage(cpuStart);
  production = undefined;
  return {
    startedAt,
    events: count,
    cpuMicros: cpuMicros(cpu),
    cpuUserMicros: cpu.user,
    wallMs: now() - startedAt,
    errors: errors.length,
    firstError: errors[0],
  };
}

/**
 * Produces `rate` events per second on a 5 ms tick until `stopPace` (B6's background load). When the
 * clients fall `window` events behind, the tick skips and counts a stall instead of piling up.
 * @param {{ conversationId: string, rate: number, window: number, textChars?: number }} settings
 */
function pace({ conversationId, rate, window, textChars = defaultTextChars }) {
  if (pacing !== undefined) throw new Error('already pacing');
  pacing = startPacer({
    rate,
    publishNext: () => {
      if (produced - fully >= window) return false;
      const pending = started().publish(
        conversationId,
        benchText('ev', produced, now(), textChars),
      );
      produced++;
      return pending;
    },
  });
  return { startedAt: pacing.startedAt };
}

function stopPace() {
  if (pacing === undefined) throw new Error('not pacing');
  const result = pacing.stop();
  pacing = undefined;
  return result;
}

async function memory() {
  for (let pass = 0; pass < 3; pass++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
  };
}

/** @type {{ stop(): Promise<object> } | undefined} */
let commandTrace;

/**
 * B6 on Parley: starts (`on: true`) or stops and returns the command timing breakdown; with
 * `profilePath`, a CPU profile of the traced window is written there.
 * @param {{ on: boolean, conversationId?: string, profilePath?: string }} settings
 */
async function traceCommands({ on, conversationId, profilePath }) {
  const { traceCommands: trace } = started();
  if (trace === undefined) return { available: false };
  if (on) {
    if (conversationId === undefined) throw new Error('traceCommands needs a conversationId');
    commandTrace = trace(conversationId, { profilePath });
    return { available: true };
  }
  const result = await commandTrace?.stop();
  commandTrace = undefined;
  return { available: true, ...result };
}

/**
 * The id of the conversation's last event (-1 for the peers, which keep no log).
 * @param {{ conversationId: string }} settings
 */
async function latestId({ conversationId }) {
  const { latestId: read } = started();
  return { latestId: read === undefined ? -1 : await read(conversationId) };
}

/**
 * Writes a heap snapshot of this process (after full GCs) to `path`, for finding per-connection heap.
 * @param {{ path: string }} settings
 */
async function heapSnapshot({ path }) {
  await memory();
  return { path: writeHeapSnapshot(path) };
}

async function stop() {
  pacing?.stop();
  return stopServerProcess(server, dataDirectory);
}

serveRequests({
  start,
  produce,
  finishProduce,
  pace,
  stopPace,
  memory,
  latestId,
  traceCommands,
  heapSnapshot,
  stop,
  progress(/** @type {{ fully: number }} */ { fully: reported }) {
    if (reported > fully) fully = reported;
    const waiters = progressWaiters;
    progressWaiters = [];
    for (const resolve of waiters) resolve();
  },
});
