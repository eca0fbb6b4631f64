// @ts-check
// The client process of the realtime benchmark: N subscribers of one kind (raw `ws` or
// `socket.io-client`), in a process of their own so that the server's CPU figures are the server's.
// Each subscriber counts the bench events it receives and, while recording, the append→receive
// latency from the send time embedded in the event (lib/realtime-payload.mjs). The process reports
// `progress` (how many events every subscriber has) so the producer can stay a bounded window ahead,
// and runs B6's command client. Driven over IPC (realtime-rpc.mjs).
import { openSocketIo, openWebSocket } from './bench-sockets.mjs';
import { serveRequests } from './realtime-rpc.mjs';
import { benchText, defaultTextChars, now, readBenchText } from './realtime-payload.mjs';
import { cpuMicros, latencySummary, Samples } from './store-stats.mjs';

/**
 * @typedef {{ id: string, latestId: number }} Conversation
 * @typedef {{ send: (text: string) => void, close: () => void }} Connection
 * @typedef {(text: string | undefined) => void} OnText
 */

/** @type {(Connection | undefined)[]} */
const subscribers = [];
let counts = new Uint32Array(0);
/** reached.get(k): how many subscribers have received at least k events. */
/** @type {Map<number, number>} */
const reached = new Map();
let fully = 0;
let reportedFully = 0;
let progressStep = 1;
let outOfOrder = 0;
let lastDeliveryAt = 0;
/** @type {{ samples: Samples, cpuStart: NodeJS.CpuUsage, startedAt: number } | undefined} */
let recording;
/** @type {{ count: number, resolve: () => void } | undefined} */
let waiter;
/** @type {{ seq: number, resolve: (at: number) => void } | undefined} */
let commandWaiter;
/**
 * @type {{
 *   kind: string,
 *   port: number,
 *   conversations: Conversation[],
 *   apiKey: string,
 *   closing: boolean,
 * } | undefined}
 */
let settings;

const emit = serveRequests({ connect, record, waitFor, commands, close, stop: close });

/**
 * @param {string} kind
 * @param {number} port
 * @param {Conversation} conversation
 * @param {string} apiKey
 */
function urlFor(kind, port, conversation, apiKey) {
  const id = encodeURIComponent(conversation.id);
  return kind === 'raw-ws'
    ? `ws://127.0.0.1:${port}/?conversation_id=${id}`
    : `ws://127.0.0.1:${port}/sockets/events/${id}?after_id=${conversation.latestId}&session_api_key=${apiKey}`;
}

/**
 * Opens one connection; resolves with { send(text), close() } once it is open.
 * @param {string} kind
 * @param {number} port
 * @param {Conversation} conversation
 * @param {string} apiKey
 * @param {OnText} onText
 * @returns {Promise<Connection>}
 */
async function open(kind, port, conversation, apiKey, onText) {
  if (kind === 'raw-ws' || kind === 'parley-v1') {
    const socket = await openWebSocket(urlFor(kind, port, conversation, apiKey), {
      onText,
      onClose: (code, reason) => {
        if (settings?.closing !== true) emit('closed', { code, reason });
      },
    });
    return {
      send: (/** @type {string} */ text) =>
        socket.send(
          JSON.stringify(
            kind === 'raw-ws'
              ? { command: text }
              : { role: 'user', content: [{ type: 'text', text }] },
          ),
        ),
      close: () => socket.terminate(),
    };
  }
  /** @type {Record<string, string>} */
  const query =
    kind === 'parley-socketio'
      ? {
          conversation_id: conversation.id,
          latest_event_id: String(conversation.latestId),
          session_api_key: apiKey,
        }
      : { conversation_id: conversation.id };
  const socket = await openSocketIo(port, query, {
    onText,
    onDisconnect: (reason) => {
      if (settings?.closing !== true) emit('closed', { reason });
    },
  });
  return {
    send: (/** @type {string} */ text) =>
      socket.emit('oh_user_action', { action: 'message', args: { content: text } }),
    close: () => socket.disconnect(),
  };
}

/**
 * @param {number} index  the subscriber, or -1 for the command connection
 * @param {string | undefined} text
 */
function delivered(index, text) {
  const bench = readBenchText(text);
  if (bench === undefined) return;
  if (bench.kind === 'cmd') {
    if (index === -1 && commandWaiter?.seq === bench.seq) commandWaiter.resolve(now());
    return;
  }
  if (index < 0) return;
  const count = (counts[index] ?? 0) + 1;
  counts[index] = count;
  if (bench.seq !== count - 1) outOfOrder++;
  const at = now();
  lastDeliveryAt = at;
  if (recording !== undefined) recording.samples.add(at - bench.sentAt);
  reached.set(count, (reached.get(count) ?? 0) + 1);
  let advanced = false;
  while (reached.get(fully + 1) === subscribers.length) {
    reached.delete(fully + 1);
    fully++;
    advanced = true;
  }
  if (!advanced) return;
  if (fully - reportedFully >= progressStep || fully === waiter?.count) {
    reportedFully = fully;
    emit('progress', fully);
  }
  if (waiter !== undefined && fully >= waiter.count) {
    const done = waiter;
    waiter = undefined;
    done.resolve();
  }
}

/**
 * Opens `count` subscribers spread round-robin over `conversations`, `concurrency` handshakes at a
 * time. Resolves with the wall time it took.
 * @param {{ kind: string, port: number, count: number, conversations: Conversation[], apiKey: string, concurrency?: number, step?: number }} settings
 */
async function connect({ kind, port, count, conversations, apiKey, concurrency = 100, step = 1 }) {
  settings = { kind, port, conversations, apiKey, closing: false };
  progressStep = step;
  counts = new Uint32Array(count);
  const started = now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const conversation = conversations[index % conversations.length];
      if (conversation === undefined) throw new Error('connect needs at least one conversation');
      subscribers[index] = await open(
        kind,
        port,
        conversation,
        apiKey,
        (/** @type {string | undefined} */ text) => delivered(index, text),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const ms = now() - started;
  return { connected: subscribers.length, ms, connectsPerSecond: (count * 1000) / ms };
}

/**
 * Starts recording latencies and this process's CPU (B1's timed section).
 * @param {{ expected: number }} settings
 */
function record({ expected }) {
  recording = { samples: new Samples(expected), cpuStart: process.cpuUsage(), startedAt: now() };
  return { startedAt: recording.startedAt };
}

/**
 * Resolves once every subscriber has `count` events; returns the recording's figures and stops it.
 * @param {{ count: number, stallMs?: number }} settings
 */
async function waitFor({ count, stallMs = 60_000 }) {
  if (fully < count) {
    await new Promise((resolve, reject) => {
      let seen = fully;
      const watchdog = setInterval(() => {
        if (fully === seen) {
          clearInterval(watchdog);
          waiter = undefined;
          reject(new Error(`stalled: every subscriber has ${fully} of ${count} events`));
        }
        seen = fully;
      }, stallMs);
      waiter = {
        count,
        resolve: () => {
          clearInterval(watchdog);
          resolve(undefined);
        },
      };
    });
  }
  const result = { fully, lastDeliveryAt, outOfOrder };
  if (recording !== undefined) {
    const cpu = process.cpuUsage(recording.cpuStart);
    const wallMs = now() - recording.startedAt;
    Object.assign(result, {
      latency: latencySummary(recording.samples.view()),
      samples: recording.samples.length,
      cpuMicros: cpuMicros(cpu),
      cpuUtilisation: cpuMicros(cpu) / 1000 / wallMs || 0,
    });
    recording = undefined;
  }
  return result;
}

/** Seq numbers of B6's untimed warm-up commands start here (the timed ones from 0). */
const warmUpSeq = 1_000_000;

/**
 * B6: one more connection sends `warmUp` untimed commands, then `count` timed ones, one every
 * `intervalMs`, each waiting for the event it causes to come back; resolves with the round-trip
 * times. It joins at `conversation.latestId` (the log's end when the caller asked the server), so
 * it is a client that is up to date, not one that replays the whole backlog first. A command not
 * echoed within `echoTimeoutMs` fails the call, or with `countLost` is counted in `lost` and the
 * next one goes out (the cluster benchmark reports such losses instead of stopping).
 * @param {{ count: number, intervalMs: number, textChars?: number, conversation?: Conversation, warmUp?: number, echoTimeoutMs?: number, countLost?: boolean }} settings
 */
async function commands({
  count,
  intervalMs,
  textChars = defaultTextChars,
  conversation,
  warmUp = 0,
  echoTimeoutMs = 30_000,
  countLost = false,
}) {
  if (settings === undefined) throw new Error('commands before connect');
  const { kind, port, conversations, apiKey } = settings;
  const target = conversation ?? conversations[0];
  if (target === undefined) throw new Error('no conversation to send commands to');
  const connection = await open(kind, port, target, apiKey, (text) => delivered(-1, text));
  /** @param {number} seq */
  const send = async (seq) => {
    const started = now();
    /** @type {Promise<number>} */
    const echoed = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`command ${seq} not echoed in ${echoTimeoutMs} ms`)),
        echoTimeoutMs,
      );
      commandWaiter = {
        seq,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
    connection.send(benchText('cmd', seq, started, textChars));
    const roundTrip = (await echoed) - started;
    commandWaiter = undefined;
    const rest = intervalMs - (now() - started);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    return roundTrip;
  };
  /** @type {number[]} */
  const roundTrips = [];
  let lost = 0;
  /** @param {number} seq */
  const sendCounted = async (seq) => {
    try {
      return await send(seq);
    } catch (error) {
      commandWaiter = undefined;
      if (!countLost) throw error;
      lost++;
      return undefined;
    }
  };
  try {
    for (let index = 0; index < warmUp; index++) await sendCounted(warmUpSeq + index);
    for (let seq = 0; seq < count; seq++) {
      const roundTrip = await sendCounted(seq);
      if (roundTrip !== undefined) roundTrips.push(roundTrip);
    }
  } finally {
    connection.close();
  }
  return { ...latencySummary(roundTrips), count: roundTrips.length, lost, roundTrips };
}

async function close() {
  if (settings !== undefined) settings.closing = true;
  for (const subscriber of subscribers) subscriber?.close();
  subscribers.length = 0;
  if (settings === undefined) setTimeout(() => process.exit(0), 100).unref();
  else setTimeout(() => process.exit(0), 200).unref();
  return { ok: true };
}
