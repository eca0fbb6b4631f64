// @ts-check
// One Parley process of the cluster benchmark (bench/cluster-bench.mjs): the whole app from dist
// (`createApp`, the composition root `main.js` runs) with the cluster's environment (DATABASE_URL,
// REDIS_URL or not, its own PARLEY_INSTANCE_ID and data directory), driven over IPC
// (realtime-rpc.mjs). Every process reports its CPU use (`cpu`); the first one also creates the
// bench conversation and runs the producer, which appends agent messages into the shared log as an
// agent loop's output does (committed in PostgreSQL, then fanned out here and, through Redis or
// the log, on the other processes).
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { agentMessage, benchText, defaultTextChars, now } from './realtime-payload.mjs';
import { serveRequests } from './realtime-rpc.mjs';
import { createConversation, startParleyApp } from './parley-dist.mjs';
import { newDataDirectory, startPacer, stopServerProcess, trackErrors } from './server-child.mjs';
import { cpuMicros } from './store-stats.mjs';

/** @type {any} the app from dist */
let app;
/** @type {string | undefined} */
let dataDirectory;
/** Bench events produced so far by this process (sequence numbers 0…produced-1). */
let produced = 0;
/** Events every client has received, as the clients last reported. */
let fully = 0;
/** @type {(() => void)[]} */
let progressWaiters = [];
/** @type {{ loop: Promise<void>, cpuStart: NodeJS.CpuUsage, startedAt: number, errors: string[], count: number } | undefined} */
let production;
/** @type {import('./server-child.mjs').Pacer | undefined} */
let pacing;

/** @param {string} conversationId @param {string} text */
function publish(conversationId, text) {
  return app.eventStreams.get(conversationId).append([agentMessage(text)]);
}

/**
 * Starts Parley with `environment` on a free port; with `createConversation`, creates the bench
 * conversation over REST and returns it with its last id.
 * @param {{ environment: Record<string, string>, createConversation?: boolean }} settings
 */
async function start({ environment, createConversation: create = false }) {
  dataDirectory = newDataDirectory('parley-cluster-bench-');
  const started = await startParleyApp(dataDirectory, environment);
  app = started.app;
  if (!create) return { port: started.port };
  const id = await createConversation(started.port);
  return { port: started.port, conversation: { id, latestId: await app.eventStore.latestId(id) } };
}

/** This process's CPU time so far, µs (user + system). */
function cpu() {
  return { micros: cpuMicros(process.cpuUsage()) };
}

/** @returns {Promise<void>} */
function waitForProgress() {
  return new Promise((resolve) => progressWaiters.push(resolve));
}

/**
 * Produces `count` events as fast as the clients take them, never more than `window` ahead of the
 * slowest one, `burst` back to back before the event loop turns (as realtime-server-child.mjs).
 * @param {{ conversationId: string, count: number, window: number, burst: number, textChars?: number }} settings
 */
function produce({ conversationId, count, window, burst, textChars = defaultTextChars }) {
  if (production !== undefined) throw new Error('already producing');
  /** @type {string[]} */
  const errors = [];
  const pending = new Set();
  const cpuStart = process.cpuUsage();
  const startedAt = now();
  const loop = (async () => {
    for (let index = 0; index < count; index++) {
      while (produced - fully >= window) await waitForProgress();
      const append = trackErrors(
        publish(conversationId, benchText('ev', produced, now(), textChars)),
        errors,
      );
      produced++;
      if (append !== undefined) {
        pending.add(append);
        append.finally(() => pending.delete(append)).catch(() => {});
      }
      if ((index + 1) % burst === 0) await yieldToLoop();
    }
    await Promise.allSettled([...pending]);
  })();
  production = { loop, cpuStart, startedAt, errors, count };
  return { startedAt };
}

async function finishProduce() {
  if (production === undefined) throw new Error('not producing');
  const { loop, startedAt, errors, count } = production;
  await loop;
  production = undefined;
  return { startedAt, events: count, produced, errors: errors.length, firstError: errors[0] };
}

/**
 * Produces `rate` events per second until `stopPace`; a tick skips (a stall) when the clients are
 * `window` events behind.
 * @param {{ conversationId: string, rate: number, window: number, textChars?: number }} settings
 */
function pace({ conversationId, rate, window, textChars = defaultTextChars }) {
  if (pacing !== undefined) throw new Error('already pacing');
  pacing = startPacer({
    rate,
    publishNext: () => {
      if (produced - fully >= window) return false;
      const pending = publish(conversationId, benchText('ev', produced, now(), textChars));
      produced++;
      return pending;
    },
  });
  return { startedAt: pacing.startedAt };
}

function stopPace() {
  if (pacing === undefined) throw new Error('not pacing');
  const figures = pacing.stop();
  pacing = undefined;
  return { ...figures, total: produced };
}

/** @param {{ conversationId: string }} settings */
async function latestId({ conversationId }) {
  return { latestId: await app.eventStore.latestId(conversationId) };
}

serveRequests({
  start,
  cpu,
  produce,
  finishProduce,
  pace,
  stopPace,
  latestId,
  stop: async () => {
    pacing?.stop();
    return stopServerProcess(app, dataDirectory);
  },
  progress(/** @type {{ fully: number }} */ { fully: reported }) {
    if (reported > fully) fully = reported;
    const waiters = progressWaiters;
    progressWaiters = [];
    for (const resolve of waiters) resolve();
  },
});
