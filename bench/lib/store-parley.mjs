// @ts-check
// Parley's side of the store benchmark: the compiled SqlEventStore from packages/server/dist, with its
// durable defaults (SQLite WAL, synchronous=FULL, group commit of up to 100 events, 0 ms delay).
//
// PARLEY_SERVER_DIST=/path/to/dist points it at another build (for example a patched copy of dist/
// with a node_modules symlink beside it), to measure a change side by side with the original.
import { conversationIds, makeMessageEvent } from './store-events.mjs';
import { measureAppends } from './store-producers.mjs';
import { cpuMicros, summariseReplay } from './store-stats.mjs';
import { importFromDist } from './parley-dist.mjs';

const { SqlEventStore } = await importFromDist('events/sql-event-store.js');
const { openDatabase } = await importFromDist('storage/open-database.js');
const { createSilentLogger } = await importFromDist('shared/logger.js');

/** @param {string} dataDirectory */
async function openStore(dataDirectory) {
  const logger = createSilentLogger();
  const database = await openDatabase({
    databaseUrl: undefined,
    dataDirectory,
    logger,
    migrate: true,
  });
  // Count transactions (one per group commit) to report the mean batch size. The store reads this
  // property on every commit, so wrapping it here sees each batch; it costs one extra call per batch.
  const counters = { commits: 0 };
  const withSqliteConnection = database.withSqliteConnection;
  database.withSqliteConnection = (/** @type {(connection: any) => unknown} */ work) => {
    counters.commits++;
    return withSqliteConnection(work);
  };
  const store = new SqlEventStore({ database, logger });
  return { database, store, counters };
}

/**
 * B2: `producers` conversations append concurrently, each awaiting its ack before the next append.
 * @param {{ dir: string, events: number, producers: number, warmupEvents: number, textChars?: number, synchronousOff?: boolean }} settings
 */
export async function parleyConcurrentAppend({
  dir,
  events,
  producers,
  warmupEvents,
  textChars,
  synchronousOff = false,
}) {
  const { database, store, counters } = await openStore(dir);
  // Diagnosis only (callgrind instruction counts without fsync); the benchmark never sets it.
  if (synchronousOff)
    await database.withSqliteConnection((/** @type {any} */ connection) =>
      connection.pragma('synchronous = OFF'),
    );
  let commitsBefore = 0;
  const { conversations, figures } = await measureAppends({
    append: (/** @type {string} */ conversationId, /** @type {object} */ event) =>
      store.append(conversationId, [event]),
    producers,
    events,
    warmupEvents,
    textChars,
    onTimedStart: () => {
      commitsBefore = counters.commits;
    },
  });
  const commits = counters.commits - commitsBefore;
  let stored = 0;
  for (const conversationId of conversations) stored += (await store.latestId(conversationId)) + 1;
  await store.close();
  await database.close();
  if (stored !== events) throw new Error(`stored ${stored} events, expected ${events}`);
  return { ...figures, commits, meanBatch: events / commits };
}

/**
 * B2 single-event latency: one conversation, one producer, sequential awaits.
 * @param {{ dir: string, events: number, warmupEvents: number, textChars?: number }} config
 */
export function parleySingleAppend(config) {
  return parleyConcurrentAppend({ ...config, producers: 1 });
}

/**
 * B3 setup: one conversation of `events` events, appended 100 at a time. Returns the conversation id.
 * @param {{ dir: string, events: number, textChars?: number }} settings
 */
export async function parleyFillConversation({ dir, events, textChars }) {
  const { database, store } = await openStore(dir);
  const [conversationId] = conversationIds(1, 3);
  for (let first = 0; first < events; first += 100) {
    const batch = [];
    for (let index = first; index < Math.min(events, first + 100); index++) {
      batch.push(makeMessageEvent(index, textChars));
    }
    await store.append(conversationId, batch);
  }
  const latestId = await store.latestId(conversationId);
  await store.close();
  await database.close();
  if (latestId !== events - 1) throw new Error(`latest id ${latestId}, expected ${events - 1}`);
  return { conversationId, events };
}

/**
 * @param {any} store  Parley's SqlEventStore from dist
 * @param {string} conversationId
 * @param {number} startId
 * @param {number} expected
 */
async function replayOnce(store, conversationId, startId, expected) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let count = 0;
  let lastId = -1;
  for await (const event of store.iterate(conversationId, { startId })) {
    count++;
    lastId = event.id;
  }
  const ms = performance.now() - start;
  const cpuDelta = process.cpuUsage(cpuStart);
  const cpu = cpuMicros(cpuDelta);
  if (count !== expected || lastId !== startId + expected - 1) {
    throw new Error(
      `replay from ${startId} read ${count} events up to ${lastId}, expected ${expected}`,
    );
  }
  return { ms, cpuMicrosPerEvent: cpu / count };
}

/**
 * B3 storage half: read the whole conversation via `store.iterate` (default 500-row pages, yielding to
 * the event loop between pages) from id 0 and from the middle. `warmups` untimed passes first (JIT and
 * page cache), then `repetitions` timed passes of each; the round's figure is their median.
 * @param {{ dir: string, conversationId: string, events: number, middle: number, warmups: number, repetitions: number }} settings
 */
export async function parleyReplay({ dir, conversationId, events, middle, warmups, repetitions }) {
  const { database, store } = await openStore(dir);
  for (let pass = 0; pass < warmups; pass++) await replayOnce(store, conversationId, 0, events);
  // One collection after the warm-up, none between timed passes: a forced full GC before every pass
  // throws away optimized code that embeds objects it frees ("weak objects" deopts), so each pass
  // would pay a fresh TurboFan compile that a running server only pays after its own, rarer, full GCs.
  globalThis.gc?.();
  const fromStart = [];
  const fromMiddle = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    fromStart.push(await replayOnce(store, conversationId, 0, events));
    fromMiddle.push(await replayOnce(store, conversationId, middle, events - middle));
  }
  await store.close();
  await database.close();
  return summariseReplay({ fromStart, fromMiddle });
}
