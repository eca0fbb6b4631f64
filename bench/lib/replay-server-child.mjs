// @ts-check
// The server process of one B3 participant (bench/replay-bench.mjs): a raw SQLite + `ws` peer or
// Parley from dist, a seeded conversation to replay, a second conversation that gets a steady trickle
// of live events for the watching clients, and the event-loop delay monitor. Driven over IPC
// (realtime-rpc.mjs).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serveRequests } from './realtime-rpc.mjs';
import { benchText, now } from './realtime-payload.mjs';
import { startReplayParticipant } from './replay-participant.mjs';
import { newDataDirectory, startPacer, stopServerProcess } from './server-child.mjs';
import { cpuMicros } from './store-stats.mjs';

/** The delay monitor's timer period; every recorded delay includes it, so it is subtracted. */
const lagResolutionMs = 1;

/** @type {import('./replay-participant.mjs').ReplayServer | undefined} */
let server;
/** @type {string | undefined} */
let dataDirectory;
/** @type {import('./server-child.mjs').Pacer | undefined} */
let trickling;
/** @type {{ cpuStart: NodeJS.CpuUsage, startedAt: number } | undefined} */
let measuring;
const histogram = monitorEventLoopDelay({ resolution: lagResolutionMs });

/**
 * Starts the participant and appends `events` replay events (bench kind `rp`, seq 0…events-1).
 * @param {{ participant: string, events: number, textChars: number }} settings
 */
async function start({ participant, events, textChars }) {
  dataDirectory = newDataDirectory('parley-replay-bench-');
  const started = await startReplayParticipant({
    participant,
    events,
    textChars,
    dataDirectory,
    live: true,
  });
  server = started.server;
  const { available, reason, port, replay, live } = started;
  return { available, reason, port, replay, live };
}

/**
 * Publishes `rate` live events per second (bench kind `ev`) on a 5 ms tick until `stopTrickle`.
 * @param {{ conversationId: string, rate: number, textChars: number }} settings
 */
function trickle({ conversationId, rate, textChars }) {
  if (trickling !== undefined) throw new Error('already trickling');
  const live = server;
  if (live === undefined) throw new Error('not started');
  trickling = startPacer({
    rate,
    publishNext: (seq) => live.publish(conversationId, benchText('ev', seq, now(), textChars)),
  });
  return { startedAt: trickling.startedAt };
}

function stopTrickle() {
  if (trickling === undefined) throw new Error('not trickling');
  const { produced, eventsPerSecond, errors, firstError } = trickling.stop();
  trickling = undefined;
  return { produced, eventsPerSecond, errors, firstError };
}

/** Starts a measured window: event-loop delay and this process's CPU. */
function measureStart() {
  histogram.reset();
  histogram.enable();
  measuring = { cpuStart: process.cpuUsage(), startedAt: now() };
  return { startedAt: measuring.startedAt };
}

function measureStop() {
  if (measuring === undefined) throw new Error('not measuring');
  histogram.disable();
  const cpu = cpuMicros(process.cpuUsage(measuring.cpuStart));
  const lag = (/** @type {number} */ nanoseconds) =>
    Math.max(0, nanoseconds / 1e6 - lagResolutionMs);
  const result = {
    wallMs: now() - measuring.startedAt,
    cpuMicros: cpu,
    lagSamples: histogram.count,
    lagP50Ms: lag(histogram.percentile(50)),
    lagP99Ms: lag(histogram.percentile(99)),
    lagMaxMs: lag(histogram.max),
  };
  measuring = undefined;
  return result;
}

async function stop() {
  trickling?.stop();
  histogram.disable();
  return stopServerProcess(server, dataDirectory);
}

serveRequests({ start, trickle, stopTrickle, measureStart, measureStop, stop });
