import { sql, type Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { CompiledEventFilter } from './event-filter.js';
import { parsePayload } from './event-row.js';
import type { PageExtent, StoredEvent, StoredEventPage } from './event-store.js';
import type { RowSize } from './sqlite-event-reader.js';

export interface PageRange {
  conversationId: string;
  startId: number;
  endId: number | undefined;
  reverse: boolean;
  pageSize: number;
  filter: CompiledEventFilter;
  signal: AbortSignal | undefined;
  /**
   * A faster read of one forward page (ids from `fromId`, up to `endId`), for a range whose filter
   * selects everything; undefined: every page is a Kysely query.
   */
  readRows?: (
    fromId: number,
    endId: number | undefined,
    limit: number,
  ) => Promise<readonly { id: number; payload: string }[]>;
}

/**
 * Reads a range of one conversation's log page by page (keyset on the id), never the whole history
 * at once, and yields to the event loop between pages so a long read never blocks other work.
 * Events come one at a time, from the pages of `readEventPageArrays`, without a generator step
 * (and its promise chain) per event.
 */
export function readEventPages(
  kysely: Kysely<DatabaseSchema>,
  range: PageRange,
): AsyncIterableIterator<StoredEvent> {
  return new PageFlattener(readEventPageArrays(kysely, range));
}

/**
 * The same range and event-loop yields as `readEventPages`, one page per query (empty ones are
 * skipped), for a reader that handles a whole page at once.
 */
export async function* readEventPageArrays(
  kysely: Kysely<DatabaseSchema>,
  range: PageRange,
): AsyncGenerator<StoredEventPage> {
  if (range.endId !== undefined && range.endId < range.startId) return;
  let cursor = range.reverse ? range.endId : range.startId;
  for (;;) {
    throwIfAborted(range.signal);
    const page = await readEventPage(kysely, range, cursor);
    if (page.events.length > 0) yield { events: page.events, payloads: page.payloads };
    if (page.last) return;
    cursor = page.next;
    await nextTurn();
  }
}

/** Hands out the events of a sequence of pages one by one; ending early ends the pages too. */
class PageFlattener implements AsyncIterableIterator<StoredEvent> {
  readonly #pages: AsyncGenerator<StoredEventPage>;
  #page: readonly StoredEvent[] = [];
  #index = 0;

  constructor(pages: AsyncGenerator<StoredEventPage>) {
    this.#pages = pages;
  }

  next(): Promise<IteratorResult<StoredEvent>> {
    if (this.#index < this.#page.length) {
      return Promise.resolve({ value: this.#page[this.#index++] as StoredEvent, done: false });
    }
    return this.#nextPage();
  }

  async return(): Promise<IteratorResult<StoredEvent>> {
    this.#page = [];
    await this.#pages.return(undefined);
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StoredEvent> {
    return this;
  }

  async #nextPage(): Promise<IteratorResult<StoredEvent>> {
    for (;;) {
      const result = await this.#pages.next();
      if (result.done === true) {
        this.#page = [];
        return { value: undefined, done: true };
      }
      const events = result.value.events;
      if (events.length === 0) continue;
      this.#page = events;
      this.#index = 1;
      return { value: events[0] as StoredEvent, done: false };
    }
  }
}

/**
 * The first `count` events of a range as an array: the same pages and event-loop yields as
 * `readEventPages`, without a generator step (and its promise) per event.
 */
export async function readEvents(
  kysely: Kysely<DatabaseSchema>,
  range: PageRange,
  count: number,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  if (range.endId !== undefined && range.endId < range.startId) return events;
  let cursor = range.reverse ? range.endId : range.startId;
  for (;;) {
    throwIfAborted(range.signal);
    const page = await readEventPage(kysely, range, cursor);
    for (const event of page.events) {
      events.push(event);
      if (events.length >= count) return events;
    }
    if (page.last) return events;
    cursor = page.next;
    await nextTurn();
  }
}

interface EventPage {
  events: StoredEvent[];
  /** The stored JSON of each event, index for index. */
  payloads: string[];
  /** No rows past this page. */
  last: boolean;
  /** Where the next page starts (an id bound; undefined: unbounded). */
  next: number | undefined;
}

/** One query: up to `pageSize` rows from `cursor` on, the filter's JS remainder applied. */
async function readEventPage(
  kysely: Kysely<DatabaseSchema>,
  range: PageRange,
  cursor: number | undefined,
): Promise<EventPage> {
  const rows =
    range.readRows !== undefined && !range.reverse
      ? await range.readRows(cursor ?? range.startId, range.endId, range.pageSize)
      : await pageQuery(kysely, range, cursor).execute();
  const events: StoredEvent[] = [];
  const payloads: string[] = [];
  const matches = range.filter.matches;
  for (const row of rows) {
    const event = parsePayload(row.payload);
    if (matches === undefined || matches(event, row.payload)) {
      events.push(event);
      payloads.push(row.payload);
    }
  }
  if (rows.length < range.pageSize) return { events, payloads, last: true, next: undefined };
  const lastId = Number((rows[rows.length - 1] as { id: number }).id);
  const next = range.reverse ? lastId - 1 : lastId + 1;
  const past = range.reverse
    ? next < range.startId
    : range.endId !== undefined && next > range.endId;
  return { events, payloads, last: past, next };
}

export interface MeasuredRange {
  conversationId: string;
  startId: number;
  maxEvents: number;
  maxBytes: number;
  signal: AbortSignal | undefined;
  /** A faster read of the sizes (SQLite's prepared statement); undefined: a Kysely query. */
  readSizes?: (startId: number, limit: number) => Promise<readonly RowSize[]>;
}

/**
 * The next forward page from `startId`: at most `maxEvents` events whose stored JSON adds up to at
 * most `maxBytes` (the first event counts whatever its size). Reads ids and sizes only.
 */
export async function measureEventPage(
  kysely: Kysely<DatabaseSchema>,
  range: MeasuredRange,
): Promise<PageExtent> {
  throwIfAborted(range.signal);
  const { startId, maxEvents } = range;
  const rows =
    range.readSizes !== undefined
      ? await range.readSizes(startId, maxEvents)
      : await kysely
          .selectFrom('events')
          .select(['id', sql<number>`octet_length(payload)`.as('bytes')])
          .where('conversation_id', '=', range.conversationId)
          .where('id', '>=', startId)
          .orderBy('id', 'asc')
          .limit(maxEvents)
          .execute();
  let count = 0;
  let bytes = 0;
  for (const row of rows) {
    const size = Number(row.bytes);
    if (count > 0 && bytes + size > range.maxBytes) break;
    count++;
    bytes += size;
  }
  const last = rows[count - 1];
  return {
    endId: last === undefined ? startId - 1 : Number(last.id),
    count,
    bytes,
    reachedEnd: count === rows.length && rows.length < maxEvents,
  };
}

/** The Kysely query of one page (any filter, either direction). */
function pageQuery(kysely: Kysely<DatabaseSchema>, range: PageRange, cursor: number | undefined) {
  let query = kysely
    .selectFrom('events')
    .select(['id', 'payload'])
    .where('conversation_id', '=', range.conversationId)
    .where((builder) => range.filter.where(builder));
  if (range.reverse) {
    query = query.where('id', '>=', range.startId);
    if (cursor !== undefined) query = query.where('id', '<=', cursor);
    query = query.orderBy('id', 'desc');
  } else {
    query = query.where('id', '>=', cursor ?? range.startId);
    if (range.endId !== undefined) query = query.where('id', '<=', range.endId);
    query = query.orderBy('id', 'asc');
  }
  return query.limit(range.pageSize);
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
