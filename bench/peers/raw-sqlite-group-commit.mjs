// @ts-check
// Peer for B2 (durable append): raw better-sqlite3 with a tiny group-commit batcher.
//
// It does the same work as Parley minus: event validation and key ordering (serializeEvent), the
// "already has an id" check, abort signals, Kysely's connection mutex and async layers, the per-batch
// retry that isolates a failing request, the monotonic-timestamp clamp, reading a conversation's
// latest id on first append (a Map counter starting at 0 stands in), copying each event into the
// StoredEvent it resolves with, secret masking and commit listeners (publishing). What it shares with
// Parley: the same pragmas (journal_mode=WAL, synchronous=FULL, foreign_keys=ON, busy_timeout=5000),
// the same `events` table (columns, primary key and check constraint of migration 0001), up to 100
// rows per transaction, one commit of everything queued per setImmediate turn, a prepared INSERT
// inside `db.transaction`, one ISO timestamp per batch, and JSON.stringify of every event with id and
// timestamp leading the payload.
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { measureAppends } from '../lib/store-producers.mjs';

export const pragmas = [
  'journal_mode = WAL',
  'synchronous = FULL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
];

/** The DDL Kysely emits for Parley's migration 0001-event-log. */
export const createEventsTable = `create table if not exists "events" (
  "conversation_id" text not null,
  "id" integer not null,
  "timestamp" text not null,
  "source" text,
  "kind" text not null,
  "type" text not null,
  "hidden" integer default 0 not null,
  "payload" text not null,
  constraint "events_pkey" primary key ("conversation_id", "id"),
  constraint "events_id_non_negative" check (id >= 0)
)`;

/** @param {string} path */
export function openRawSqlite(path) {
  const db = new BetterSqlite3(path);
  for (const pragma of pragmas) db.pragma(pragma);
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') throw new Error('WAL refused');
  if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('synchronous=FULL refused');
  return db;
}

export class RawGroupCommitLog {
  #db;
  #insert;
  #write;
  /**
   * @type {{
   *   conversationId: string,
   *   event: object,
   *   id: number,
   *   resolve: (id: number) => void,
   *   reject: (error: unknown) => void,
   * }[]}
   */
  #queue = [];
  #scheduled = false;
  #nextIds = new Map();
  #maxBatch;
  commits = 0;

  /**
   * @param {string} path
   * @param {{ maxBatch?: number }} [options]
   */
  constructor(path, { maxBatch = 100 } = {}) {
    this.#maxBatch = maxBatch;
    this.#db = openRawSqlite(path);
    this.#db.exec(createEventsTable);
    this.#insert = this.#db.prepare(
      'INSERT INTO events (conversation_id, id, timestamp, source, kind, type, hidden, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#write = this.#db.transaction((batch, timestamp) => {
      const head = `,"timestamp":${JSON.stringify(timestamp)},`;
      for (const item of batch) {
        const id = this.#nextIds.get(item.conversationId) ?? 0;
        this.#nextIds.set(item.conversationId, id + 1);
        const event = item.event;
        const json = JSON.stringify(event);
        this.#insert.run(
          item.conversationId,
          id,
          timestamp,
          event.source ?? null,
          event.action === undefined ? 'observation' : 'action',
          event.action ?? event.observation,
          event.args?.hidden === true ? 1 : 0,
          `{"id":${id}${head}${json.slice(1)}`,
        );
        item.id = id;
      }
    });
  }

  /**
   * Resolves with the event's id once its transaction committed.
   * @param {string} conversationId
   * @param {object} event
   * @returns {Promise<number>}
   */
  append(conversationId, event) {
    return new Promise((resolve, reject) => {
      this.#queue.push({ conversationId, event, id: -1, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  #flush = () => {
    this.#scheduled = false;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        this.#write(batch, new Date().toISOString());
        this.commits++;
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      for (const item of batch) item.resolve(item.id);
    }
  };

  /** The connection, for diagnostics (for example to compare with synchronous=OFF). */
  get database() {
    return this.#db;
  }

  count() {
    const row = /** @type {{ total: number }} */ (
      this.#db.prepare('SELECT count(*) AS total FROM events').get()
    );
    return row.total;
  }

  close() {
    this.#db.close();
  }
}

/**
 * B2 peer run: the same producer loop as Parley's (bench/lib/store-producers.mjs).
 * @param {{ dir: string, events: number, producers: number, warmupEvents: number, textChars?: number, synchronousOff?: boolean }} settings
 */
export async function rawGroupCommitAppend({
  dir,
  events,
  producers,
  warmupEvents,
  textChars,
  synchronousOff = false,
}) {
  const log = new RawGroupCommitLog(join(dir, 'raw.db'));
  // Diagnosis only (callgrind instruction counts without fsync); the benchmark never sets it.
  if (synchronousOff) log.database.pragma('synchronous = OFF');
  let commitsBefore = 0;
  const { figures } = await measureAppends({
    append: (conversationId, event) => log.append(conversationId, event),
    producers,
    events,
    warmupEvents,
    textChars,
    onTimedStart: () => {
      commitsBefore = log.commits;
    },
  });
  const commits = log.commits - commitsBefore;
  const stored = log.count();
  log.close();
  if (stored !== events + warmupEvents) {
    throw new Error(`stored ${stored} events, expected ${events + warmupEvents}`);
  }
  return { ...figures, commits, meanBatch: events / commits };
}
