// @ts-check
// Peer for B3's storage half: raw better-sqlite3 reads of the same database file Parley wrote, with a
// prepared `SELECT payload FROM events WHERE conversation_id = ? AND id >= ? ORDER BY id` and JSON.parse
// of every row. Two variants, timed alternately in the same process:
//  - paged (the compared peer): 500 rows per query (`… LIMIT 500`, Parley's default page size), the next
//    page starting after the last id, yielding to the event loop (setImmediate) between pages, as
//    Parley's store.iterate does so that a long replay never blocks other clients;
//  - one go (information only): a single `.all()` of every row, no yielding.
import { join } from 'node:path';
import { cpuMicros, summariseReplay } from '../lib/store-stats.mjs';
import { openRawSqlite } from './raw-sqlite-group-commit.mjs';

const pageSize = 500;

/** @typedef {{ id: number, payload: string }} StoredRow  a row of the events table */

/**
 * @param {{ dir: string, conversationId: string, events: number, middle: number, warmups: number, repetitions: number }} settings
 */
export async function rawReplay({ dir, conversationId, events, middle, warmups, repetitions }) {
  const db = openRawSqlite(join(dir, 'parley.db'));
  const pageQuery = db.prepare(
    'SELECT id, payload FROM events WHERE conversation_id = ? AND id >= ? ORDER BY id LIMIT ?',
  );
  const allQuery = db.prepare(
    'SELECT payload FROM events WHERE conversation_id = ? AND id >= ? ORDER BY id',
  );

  // Like Parley's consumer in store-parley.mjs, each reader sees every event and keeps the last id.
  /** @param {number} startId */
  async function paged(startId) {
    let count = 0;
    let lastId = -1;
    let cursor = startId;
    for (;;) {
      const rows = /** @type {StoredRow[]} */ (pageQuery.all(conversationId, cursor, pageSize));
      for (const row of rows) {
        lastId = JSON.parse(row.payload).id;
        count++;
      }
      if (rows.length < pageSize) return { count, lastId };
      cursor = (rows.at(-1)?.id ?? cursor) + 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** @param {number} startId */
  async function oneGo(startId) {
    let count = 0;
    let lastId = -1;
    for (const row of /** @type {StoredRow[]} */ (allQuery.all(conversationId, startId))) {
      lastId = JSON.parse(row.payload).id;
      count++;
    }
    return { count, lastId };
  }

  /**
   * @param {(startId: number) => Promise<{ count: number, lastId: number }>} read
   * @param {number} startId
   * @param {number} expected
   */
  async function timed(read, startId, expected) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const { count, lastId } = await read(startId);
    const ms = performance.now() - start;
    const cpu = cpuMicros(process.cpuUsage(cpuStart));
    if (count !== expected || lastId !== startId + expected - 1) {
      throw new Error(
        `raw replay from ${startId} read ${count} events up to ${lastId}, expected ${expected}`,
      );
    }
    return { ms, cpuMicrosPerEvent: cpu / count };
  }

  for (let pass = 0; pass < warmups; pass++) {
    await timed(paged, 0, events);
    await timed(oneGo, 0, events);
  }
  globalThis.gc?.(); // once, as Parley's side does (bench/lib/store-parley.mjs)
  /** @type {Record<'fromStart' | 'fromMiddle' | 'oneGoFromStart' | 'oneGoFromMiddle', { ms: number, cpuMicrosPerEvent: number }[]>} */
  const samples = { fromStart: [], fromMiddle: [], oneGoFromStart: [], oneGoFromMiddle: [] };
  for (let repetition = 0; repetition < repetitions; repetition++) {
    samples.fromStart.push(await timed(paged, 0, events));
    samples.fromMiddle.push(await timed(paged, middle, events - middle));
    samples.oneGoFromStart.push(await timed(oneGo, 0, events));
    samples.oneGoFromMiddle.push(await timed(oneGo, middle, events - middle));
  }
  db.close();
  return summariseReplay(samples);
}
