// @ts-check
// A client process of the B3 benchmark (bench/replay-bench.mjs), in one of two roles:
//  - watchers: N live connections on a second conversation, each timing the delivery delay of the
//    trickle of live events (receive time − the producer's clock reading in the event) while a
//    replay runs elsewhere on the server;
//  - replayer: one connection that reconnects with a cursor and times the replay until the last
//    seeded event arrives, checking that every event after the cursor came, in order, once; it also
//    reports its own process CPU (process.cpuUsage) over that replay.
// Kinds: `raw-replay` (the peers, plain `ws`), `parley-v1` (`ws` on /sockets/events/{id}) and
// `parley-socketio` (`socket.io-client`). Driven over IPC (realtime-rpc.mjs).
import { openSocketIo, openWebSocket } from './bench-sockets.mjs';
import { serveRequests } from './realtime-rpc.mjs';
import { now, readBenchText } from './realtime-payload.mjs';
import { cpuMicros, latencySummary } from './store-stats.mjs';

/** @type {(() => void)[]} */
const watchers = [];
/** @type {number[] | undefined} */
let delays;
let closing = false;

serveRequests({ watch, record, stopRecord, replay, stop });

/**
 * Opens a connection; `onText` gets each bench text (or undefined). `cursor` undefined: live only.
 * Resolves with a close function once the connection is open.
 * @param {{ kind: string, port: number, conversationId: string, cursor?: number, apiKey: string }} target
 * @param {(text: string | undefined) => void} onText
 * @returns {Promise<() => void>}
 */
async function open({ kind, port, conversationId, cursor, apiKey }, onText) {
  if (kind === 'parley-socketio') {
    const query = {
      conversation_id: conversationId,
      latest_event_id: String(cursor),
      session_api_key: apiKey,
    };
    const socket = await openSocketIo(port, query, { onText });
    return () => socket.disconnect();
  }
  const id = encodeURIComponent(conversationId);
  // V1 from the start as upstream's clients ask for it: resend_all=true.
  const resume =
    cursor === undefined
      ? ''
      : kind === 'parley-v1' && cursor === -1
        ? '&resend_all=true'
        : `&after_id=${cursor}`;
  const query =
    kind === 'raw-replay'
      ? `/?conversation_id=${id}${resume}`
      : `/sockets/events/${id}?session_api_key=${apiKey}${resume}`;
  let closedByUs = false;
  const socket = await openWebSocket(`ws://127.0.0.1:${port}${query}`, {
    onText,
    onClose: (code) => {
      if (!closing && !closedByUs) console.error(`socket closed early: ${code}`);
    },
  });
  return () => {
    closedByUs = true;
    socket.terminate();
  };
}

/**
 * Opens `count` live watchers on the trickle conversation.
 * @param {{ kind: string, port: number, conversationId: string, latestId: number, count: number, apiKey: string }} settings
 */
async function watch({ kind, port, conversationId, latestId, count, apiKey }) {
  for (let index = 0; index < count; index++) {
    // Socket.IO always takes a cursor; V1 and the peer without one join live only.
    const cursor = kind === 'parley-socketio' ? latestId : undefined;
    watchers.push(
      await open({ kind, port, conversationId, cursor, apiKey }, (text) => {
        const bench = readBenchText(text);
        if (bench?.kind === 'ev' && delays !== undefined) delays.push(now() - bench.sentAt);
      }),
    );
  }
  return { watchers: watchers.length };
}

function record() {
  delays = [];
  return { ok: true };
}

function stopRecord() {
  const samples = delays ?? [];
  delays = undefined;
  return { ...latencySummary(samples), samples: samples.length };
}

/**
 * Connects with `cursor` and resolves once the event with seq `lastSeq` arrives: time from the start
 * of the handshake to that event. Fails on a missing, repeated or out-of-order seeded event.
 * @param {{ kind: string, port: number, conversationId: string, cursor: number, firstSeq: number, lastSeq: number, apiKey: string, timeoutMs?: number }} settings
 */
async function replay({
  kind,
  port,
  conversationId,
  cursor,
  firstSeq,
  lastSeq,
  apiKey,
  timeoutMs = 60_000,
}) {
  const cpuStart = process.cpuUsage();
  const startedAt = now();
  let expected = firstSeq;
  /** @type {string | undefined} */
  let problem;
  /** @type {(at: number) => void} */
  let finish = () => {};
  /** @type {Promise<number>} */
  const done = new Promise((resolve, reject) => {
    finish = resolve;
    setTimeout(
      () =>
        reject(
          new Error(`replay did not reach seq ${lastSeq} in ${timeoutMs} ms (at ${expected})`),
        ),
      timeoutMs,
    ).unref();
  });
  const close = await open({ kind, port, conversationId, cursor, apiKey }, (text) => {
    const bench = readBenchText(text);
    if (bench?.kind !== 'rp') return;
    if (bench.seq !== expected) problem ??= `seq ${bench.seq} arrived where ${expected} was due`;
    expected = bench.seq + 1;
    if (bench.seq === lastSeq) finish(now());
  });
  const lastAt = await done;
  const cpu = cpuMicros(process.cpuUsage(cpuStart));
  close();
  if (problem !== undefined) throw new Error(problem);
  const ms = lastAt - startedAt;
  // This process's CPU over the timed replay: near 100% means the client, not the server, may be
  // what limits the time to last event.
  return { ms, events: lastSeq - firstSeq + 1, cpuMicros: cpu, cpuUtilisation: cpu / 1000 / ms };
}

function stop() {
  closing = true;
  for (const close of watchers) close();
  watchers.length = 0;
  setTimeout(() => process.exit(0), 200).unref();
  return { ok: true };
}
