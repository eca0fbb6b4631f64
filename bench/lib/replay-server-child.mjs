// The server process of one B3 participant (bench/replay-bench.mjs): a raw SQLite + `ws` peer or
// Parley from dist, a seeded conversation to replay, a second conversation that gets a steady trickle
// of live events for the watching clients, and the event-loop delay monitor. Driven over IPC
// (realtime-rpc.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serveRequests } from './realtime-rpc.mjs';
import { benchText, now } from './realtime-payload.mjs';
import { cpuMicros } from './store-stats.mjs';

/** The delay monitor's timer period; every recorded delay includes it, so it is subtracted. */
const lagResolutionMs = 1;

let server;
let dataDirectory;
let trickling;
let measuring;
const histogram = monitorEventLoopDelay({ resolution: lagResolutionMs });

function agentMessage(text) {
  return {
    source: 'agent',
    message: text,
    action: 'message',
    args: { content: text, file_urls: [], image_urls: [], wait_for_response: false },
  };
}

/** Starts the participant and appends `events` replay events (bench kind `rp`, seq 0…events-1). */
async function start({ participant, events, textChars }) {
  dataDirectory = mkdtempSync(join(tmpdir(), 'parley-replay-bench-'));
  const texts = Array.from({ length: events }, (_, seq) => benchText('rp', seq, 0, textChars));
  if (participant === 'raw-replay' || participant === 'raw-replay-corked') {
    const { startRawSqliteWsReplay } = await import('../peers/raw-sqlite-ws-replay.mjs');
    const peer = await startRawSqliteWsReplay({
      dataDirectory,
      corkPages: participant === 'raw-replay-corked',
    });
    for (let first = 0; first < events; first += 100) {
      peer.append('replayed', texts.slice(first, first + 100).map(agentMessage));
    }
    server = {
      close: () => peer.close(),
      publish: (conversationId, text) => peer.publish(conversationId, agentMessage(text)),
    };
    return {
      available: true,
      port: peer.port,
      replay: { id: 'replayed', baseId: -1, lastId: peer.latestId('replayed') },
      live: { id: 'live', latestId: -1 },
    };
  }
  const { startParley } = await import('./realtime-parley.mjs');
  const parley = await startParley({
    face: participant === 'parley-v1' ? 'v1' : 'socketio',
    conversations: 2,
    dataDirectory,
  });
  server = parley;
  const [replayed, live] = parley.conversations;
  let lastId = replayed.latestId;
  for (let first = 0; first < events; first += 100) {
    lastId = await parley.appendTexts(replayed.id, texts.slice(first, first + 100));
  }
  return {
    available: parley.available,
    reason: parley.reason,
    port: parley.port,
    // Conversation creation may log events of its own: the seeded ones follow them.
    replay: { id: replayed.id, baseId: replayed.latestId, lastId },
    live: { id: live.id, latestId: await parley.latestId(live.id) },
  };
}

/** Publishes `rate` live events per second (bench kind `ev`) on a 5 ms tick until `stopTrickle`. */
function trickle({ conversationId, rate, textChars }) {
  if (trickling !== undefined) throw new Error('already trickling');
  const state = { produced: 0, errors: [], startedAt: now() };
  state.timer = setInterval(() => {
    const due = Math.floor((rate * (now() - state.startedAt)) / 1000);
    while (state.produced < due) {
      const pending = server.publish(
        conversationId,
        benchText('ev', state.produced, now(), textChars),
      );
      pending?.catch?.((error) => state.errors.push(String(error?.message ?? error)));
      state.produced++;
    }
  }, 5);
  trickling = state;
  return { startedAt: state.startedAt };
}

function stopTrickle() {
  if (trickling === undefined) throw new Error('not trickling');
  clearInterval(trickling.timer);
  const wallMs = now() - trickling.startedAt;
  const result = {
    produced: trickling.produced,
    eventsPerSecond: (trickling.produced * 1000) / wallMs,
    errors: trickling.errors.length,
    firstError: trickling.errors[0],
  };
  trickling = undefined;
  return result;
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
  const lag = (nanoseconds) => Math.max(0, nanoseconds / 1e6 - lagResolutionMs);
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
  if (trickling !== undefined) clearInterval(trickling.timer);
  histogram.disable();
  try {
    await server?.close();
  } finally {
    if (dataDirectory !== undefined) rmSync(dataDirectory, { recursive: true, force: true });
  }
  setTimeout(() => process.exit(0), 200).unref();
  return { ok: true };
}

serveRequests({ start, trickle, stopTrickle, measureStart, measureStop, stop });
