// @ts-check
// B6's timing breakdown on Parley's side: where a client command's round trip goes between the
// client's send and the echo reaching it. Every bench command carries its send time (the machine
// clock shared by all processes, realtime-payload.mjs), so each stage is a difference of absolute
// times taken at these points in the server process:
//
//   received   the `ws` socket (Parley's V1 face, or engine.io's under Socket.IO) emits the frame
//   appended   the conversation layer calls the event store's `append` with the user message
//   written    the SQLite transaction (insert + commit + fsync) around it returns: `writeStartMs` is
//              when that synchronous write began, so appended→writeStart is the group-commit wait
//   committed  the store's commit listeners run (the stream publishes from here)
//   hubDelivery the stream's callback queue hands the event to subscribers (a trace subscriber
//              that sorts before the realtime hub's; the hub's own queue may still hold earlier events)
//   fanOut     the first and the last `ws` send of the command's frame (the hub's broadcast to every
//              live socket; the commanding socket, the newest, is usually the last)
//
// and the client's receipt closes it (`clientMs`, reported by the client process). It also
// samples the server's event-loop delay while tracing and, given `profilePath`, records a V8 CPU
// profile of exactly the traced window (inspector, 200 µs sampling) into that .cpuprofile file.
// Tracing wraps a few methods of the app object (no Parley source is changed); it costs a string
// test per appended event and frame.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { now, readBenchText } from './realtime-payload.mjs';
import { latencySummary } from './store-stats.mjs';
import { startCpuProfile } from './cpu-profile.mjs';

const require = createRequire(import.meta.url);

/** B6's untimed warm-up commands (lib/realtime-clients.mjs) have seq numbers from here on. */
const warmUpSeq = 1_000_000;

/**
 * @typedef {{ kind: string, seq: number, sentAt: number }} BenchText
 * @typedef {{
 *   sentAt: number,
 *   receivedAt?: number,
 *   appendedAt?: number,
 *   writeStartedAt?: number,
 *   writeEndedAt?: number,
 *   committedAt?: number,
 *   hubAt?: number,
 *   fanOutStartedAt?: number,
 *   fanOutEndedAt?: number,
 * }} CommandTimes  when one command passed each point (ms on the shared clock)
 */

/** The `ws` WebSocket classes in this install: the top-level one and engine.io's own copy. */
function webSocketClasses() {
  const classes = new Set([require('ws').WebSocket]);
  try {
    classes.add(createRequire(require.resolve('engine.io'))('ws').WebSocket);
  } catch {
    // no engine.io here
  }
  return [...classes];
}

/** engine.io's WebSocket transport class (a file inside the package, past its exports map). */
function engineWebSocketTransport() {
  try {
    return createRequire(require.resolve('engine.io'))('./transports/websocket').WebSocket;
  } catch {
    return undefined;
  }
}

/**
 * The bench command a user message among `events` carries (an agent's reply may quote it).
 * @param {any[]} events  V0 events (Parley's, untyped here)
 */
function commandIn(events) {
  for (const event of events) {
    if (event?.source !== 'user') continue;
    const bench = readBenchText(event?.args?.content ?? event?.message);
    if (bench?.kind === 'cmd') return bench;
  }
  return undefined;
}

/** @param {unknown} data  a frame: a Buffer (V1) or a string (Socket.IO) */
function frameHead(data) {
  return Buffer.isBuffer(data) ? data.toString('latin1', 0, 512) : String(data).slice(0, 512);
}

/** @param {unknown} data */
function commandInFrame(data) {
  const text = frameHead(data);
  const start = text.indexOf('bench|cmd|');
  return start < 0 ? undefined : readBenchText(text.slice(start, start + 64));
}

/**
 * Starts tracing; returns `{ stop() }`, which undoes every wrap and returns the stage figures.
 * @param {any} app  Parley's app from dist
 * @param {string} conversationId
 * @param {{ profilePath?: string }} [options]
 */
export function startCommandTrace(app, conversationId, { profilePath } = {}) {
  /** @type {Map<number, CommandTimes>} */
  const commands = new Map();
  /** @param {BenchText} bench */
  const record = (bench) => {
    let entry = commands.get(bench.seq);
    if (entry === undefined) commands.set(bench.seq, (entry = { sentAt: bench.sentAt }));
    return entry;
  };
  /** @type {(() => unknown)[]} */
  const undo = [];

  // The same buffer (V1) or string (Socket.IO) goes to every socket of a broadcast, so the last
  // one looked at is remembered by identity.
  /** @type {unknown} */
  let lastData;
  /** @type {BenchText | undefined} */
  let lastCommand;
  /** @param {unknown} data */
  const commandSent = (data) => {
    if (data !== lastData) {
      lastData = data;
      // The user message event only, not an agent reply that quotes it.
      lastCommand = frameHead(data).includes('"source":"user"') ? commandInFrame(data) : undefined;
    }
    return lastCommand;
  };
  /** @param {unknown} data */
  const noteSend = (data) => {
    const bench = commandSent(data);
    if (bench === undefined) return;
    const entry = record(bench);
    const at = now();
    entry.fanOutStartedAt ??= at;
    entry.fanOutEndedAt = at;
  };
  // engine.io writes a broadcast's pre-framed packets past `ws`'s send, so its transport is wrapped.
  const engineTransport = engineWebSocketTransport();
  if (engineTransport !== undefined) {
    const send = engineTransport.prototype.send;
    /** @this {unknown} @param {{ data: unknown }[]} packets */
    engineTransport.prototype.send = function (packets) {
      for (const packet of packets) noteSend(packet.data);
      return send.call(this, packets);
    };
    undo.push(() => (engineTransport.prototype.send = send));
  }
  for (const WebSocketClass of webSocketClasses()) {
    const send = WebSocketClass.prototype.send;
    /** @this {unknown} @param {unknown} data @param {unknown[]} rest */
    WebSocketClass.prototype.send = function (data, ...rest) {
      noteSend(data);
      return send.call(this, data, ...rest);
    };
    undo.push(() => (WebSocketClass.prototype.send = send));
    const emit = WebSocketClass.prototype.emit;
    /** @this {unknown} @param {string} name @param {unknown} data @param {unknown[]} rest */
    WebSocketClass.prototype.emit = function (name, data, ...rest) {
      if (name === 'message') {
        const bench = commandInFrame(data);
        if (bench !== undefined) record(bench).receivedAt ??= now();
      }
      return emit.call(this, name, data, ...rest);
    };
    undo.push(() => (WebSocketClass.prototype.emit = emit));
  }

  const store = app.eventStore;
  const append = store.append;
  /** @this {unknown} @param {string} id @param {any[]} events @param {unknown} options */
  store.append = function (id, events, options) {
    const bench = commandIn(events);
    if (bench !== undefined) record(bench).appendedAt ??= now();
    return append.call(this, id, events, options);
  };
  undo.push(() => (store.append = append));

  /** @type {{ startedAt: number, endedAt: number } | undefined} */
  let lastWrite;
  const database = app.database;
  const withConnection = database.withSqliteConnection;
  if (withConnection !== undefined && !Object.isFrozen(database)) {
    database.withSqliteConnection = (/** @type {(connection: unknown) => unknown} */ work) =>
      withConnection((/** @type {unknown} */ connection) => {
        const startedAt = now();
        try {
          return work(connection);
        } finally {
          lastWrite = { startedAt, endedAt: now() };
        }
      });
    undo.push(() => (database.withSqliteConnection = withConnection));
  }
  undo.push(
    store.onCommit((/** @type {string} */ _id, /** @type {any[]} */ events) => {
      const bench = commandIn(events);
      if (bench === undefined) return;
      const entry = record(bench);
      if (entry.committedAt !== undefined) return;
      entry.committedAt = now();
      if (lastWrite !== undefined) {
        entry.writeStartedAt = lastWrite.startedAt;
        entry.writeEndedAt = lastWrite.endedAt;
      }
    }),
  );

  const stream = app.eventStreams.get(conversationId);
  stream.subscribe('bench-trace', 'commands', (/** @type {any} */ event) => {
    const bench = commandIn([event]);
    if (bench !== undefined) record(bench).hubAt ??= now();
  });
  undo.push(() => stream.unsubscribe('bench-trace', 'commands'));

  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const profiler = profilePath === undefined ? undefined : startCpuProfile(200);

  return {
    async stop() {
      loopDelay.disable();
      if (profiler !== undefined && profilePath !== undefined) {
        writeFileSync(profilePath, JSON.stringify(await profiler.stop()));
      }
      for (const step of undo.reverse()) step();
      /** @type {Record<string, number[]>} */
      const stages = {
        sentToReceived: [],
        receivedToAppended: [],
        appendedToWriteStart: [],
        write: [],
        writeEndToCommitted: [],
        committedToHub: [],
        hubToFanOut: [],
        fanOut: [],
        sentToHub: [],
      };
      /** @type {Record<number, CommandTimes>} */
      const bySeq = {};
      for (const [seq, entry] of commands) {
        if (seq >= warmUpSeq) continue;
        bySeq[seq] = entry;
        /** @type {(name: string, from: number | undefined, to: number | undefined) => void} */
        const add = (name, from, to) => {
          if (from !== undefined && to !== undefined) stages[name]?.push(to - from);
        };
        add('sentToReceived', entry.sentAt, entry.receivedAt);
        add('receivedToAppended', entry.receivedAt, entry.appendedAt);
        add('appendedToWriteStart', entry.appendedAt, entry.writeStartedAt);
        add('write', entry.writeStartedAt, entry.writeEndedAt);
        add('writeEndToCommitted', entry.writeEndedAt, entry.committedAt);
        add('committedToHub', entry.committedAt, entry.hubAt);
        add('hubToFanOut', entry.hubAt, entry.fanOutStartedAt);
        add('fanOut', entry.fanOutStartedAt, entry.fanOutEndedAt);
        add('sentToHub', entry.sentAt, entry.hubAt);
      }
      /** @type {Record<string, object>} */
      const summary = {};
      for (const [name, values] of Object.entries(stages)) {
        const { p50Ms, p99Ms, maxMs, meanMs } = latencySummary(values);
        summary[name] = { p50Ms, p99Ms, maxMs, meanMs, samples: values.length };
      }
      return {
        stages: summary,
        eventLoopDelay: {
          p50Ms: loopDelay.percentile(50) / 1e6 - 1,
          p99Ms: loopDelay.percentile(99) / 1e6 - 1,
          maxMs: loopDelay.max / 1e6 - 1,
        },
        commands: bySeq,
        profilePath,
      };
    },
  };
}

/**
 * `dir/b6-<participant>-<timestamp>.cpuprofile`.
 * @param {string} dir
 * @param {string} participant
 */
export function profilePathFor(dir, participant) {
  return join(
    dir,
    `b6-${participant}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
  );
}
