import type { Kysely } from 'kysely';
import { ParleyError } from '../shared/errors.js';
import { throwIfAborted } from '../shared/abort.js';
import type { Logger } from '../shared/logger.js';
import type { Database } from '../storage/database.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { SqliteConnection, SqliteStatement } from '../storage/sqlite-connection.js';
import { compileEventFilter, type CompiledEventFilter } from './event-filter.js';
import {
  payloadFor,
  parsePayload,
  prepareEvent,
  storedEventFor,
  type PreparedEvent,
} from './event-row.js';
import type {
  AppendOptions,
  CommitListener,
  EventFilter,
  EventStore,
  IterateOptions,
  NewEvent,
  SearchOptions,
  SearchResult,
  StoredEvent,
} from './event-store.js';
import { GroupCommitter } from './group-committer.js';

export interface SqlEventStoreOptions {
  database: Database;
  logger: Logger;
  /** Largest number of events per group-commit transaction (default 100). */
  groupCommitMaxEvents?: number;
  /** Longest wait for companions when idle, in ms (default 0: the next event-loop turn). */
  groupCommitMaxDelayMs?: number;
  /** The clock that stamps appended events. */
  now?: () => Date;
}

interface AppendRequest {
  conversationId: string;
  events: PreparedEvent[];
}

/** What a commit decided: the first id of each request, and each conversation's next id. */
interface IdAssignment {
  firstIds: number[];
  nextIds: Map<string, number>;
}

interface RowToInsert {
  conversation_id: string;
  id: number;
  timestamp: string;
  source: string | null;
  kind: string;
  type: string;
  hidden: number;
  payload: string;
}

const defaultPageSize = 500;
const maxPageSize = 5_000;
/** Rows per INSERT on PostgreSQL (8 parameters each, well under the 65,535 limit). */
const postgresInsertChunk = 1_000;

/** The event log on SQLite or PostgreSQL, with group commit and paged reads. */
export class SqlEventStore implements EventStore {
  readonly #database: Database;
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #committer: GroupCommitter<AppendRequest, StoredEvent[]>;
  readonly #listeners = new Set<CommitListener>();
  /** Next id per conversation, known after the first append; only changed after a commit. */
  readonly #nextIds = new Map<string, number>();
  #sqliteStatements: { insert: SqliteStatement; maxId: SqliteStatement } | undefined;

  constructor(options: SqlEventStoreOptions) {
    this.#database = options.database;
    this.#kysely = options.database.kysely;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#committer = new GroupCommitter<AppendRequest, StoredEvent[]>({
      maxBatchWeight: options.groupCommitMaxEvents ?? 100,
      maxDelayMs: options.groupCommitMaxDelayMs ?? 0,
      weigh: (request) => request.events.length,
      commit: (batch) => this.#commit(batch),
    });
  }

  async append(
    conversationId: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<StoredEvent[]> {
    requireConversationId(conversationId);
    throwIfAborted(options.signal);
    const prepared = events.map((event) => {
      if (event.id !== undefined && event.id !== -1) {
        throw new ParleyError(
          'EVENT_ALREADY_HAS_ID',
          `Event already has an id (${event.id}): it was probably appended before`,
        );
      }
      return prepareEvent(event);
    });
    if (prepared.length === 0) return [];
    return this.#committer.submit({ conversationId, events: prepared }, options.signal);
  }

  async search(conversationId: string, options: SearchOptions = {}): Promise<SearchResult> {
    const limit = options.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw new ParleyError(
        'EVENT_FILTER_INVALID',
        `Invalid limit ${limit}: use a positive integer`,
      );
    }
    const pageSize = limit === undefined ? defaultPageSize : Math.min(limit + 1, maxPageSize);
    const events: StoredEvent[] = [];
    for await (const event of this.iterate(conversationId, { ...options, pageSize })) {
      events.push(event);
      if (limit !== undefined && events.length > limit) break;
    }
    const hasMore = limit !== undefined && events.length > limit;
    if (hasMore) events.pop();
    return { events, hasMore };
  }

  async *iterate(
    conversationId: string,
    options: IterateOptions = {},
  ): AsyncGenerator<StoredEvent> {
    requireConversationId(conversationId);
    const startId = validateId(options.startId ?? 0, 'startId');
    const endId = options.endId === undefined ? undefined : validateId(options.endId, 'endId');
    const pageSize = Math.min(
      Math.max(1, Math.trunc(options.pageSize ?? defaultPageSize)),
      maxPageSize,
    );
    const filter = compileEventFilter(options.filter, this.#database.dialect);
    const reverse = options.reverse === true;
    if (endId !== undefined && endId < startId) return;

    let cursor = reverse ? endId : startId;
    for (;;) {
      throwIfAborted(options.signal);
      const rows = await this.#readPage(conversationId, {
        cursor,
        startId,
        endId,
        reverse,
        pageSize,
        filter,
      });
      for (const row of rows) {
        const event = parsePayload(row.payload);
        if (filter.matches === undefined || filter.matches(event, row.payload)) yield event;
      }
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1] as { id: number };
      cursor = reverse ? last.id - 1 : last.id + 1;
      if (reverse && cursor < startId) return;
      // Let other work run between pages, so a long replay never blocks the event loop.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async get(
    conversationId: string,
    id: number,
    options: AppendOptions = {},
  ): Promise<StoredEvent | undefined> {
    throwIfAborted(options.signal);
    if (!Number.isInteger(id) || id < 0) return undefined;
    const row = await this.#kysely
      .selectFrom('events')
      .select('payload')
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : parsePayload(row.payload);
  }

  async latestId(conversationId: string, options: AppendOptions = {}): Promise<number> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('events')
      .select((builder) => builder.fn.max('id').as('latest'))
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return row?.latest === null || row?.latest === undefined ? -1 : Number(row.latest);
  }

  async count(
    conversationId: string,
    filter?: EventFilter,
    options: AppendOptions = {},
  ): Promise<number> {
    throwIfAborted(options.signal);
    const compiled = compileEventFilter(filter, this.#database.dialect);
    if (compiled.matches !== undefined) {
      let total = 0;
      for await (const _event of this.iterate(conversationId, { filter, signal: options.signal }))
        total++;
      return total;
    }
    const row = await this.#kysely
      .selectFrom('events')
      .select((builder) => builder.fn.countAll().as('total'))
      .where('conversation_id', '=', conversationId)
      .where((builder) => compiled.where(builder))
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  async deleteConversation(conversationId: string, options: AppendOptions = {}): Promise<number> {
    throwIfAborted(options.signal);
    await this.#committer.flush();
    const result = await this.#kysely
      .deleteFrom('events')
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    this.#nextIds.delete(conversationId);
    return Number(result.numDeletedRows);
  }

  onCommit(listener: CommitListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  flush(): Promise<void> {
    return this.#committer.flush();
  }

  close(): Promise<void> {
    return this.#committer.close();
  }

  async #readPage(
    conversationId: string,
    page: {
      cursor: number | undefined;
      startId: number;
      endId: number | undefined;
      reverse: boolean;
      pageSize: number;
      filter: CompiledEventFilter;
    },
  ): Promise<{ id: number; payload: string }[]> {
    let query = this.#kysely
      .selectFrom('events')
      .select(['id', 'payload'])
      .where('conversation_id', '=', conversationId)
      .where((builder) => page.filter.where(builder));
    if (page.reverse) {
      query = query.where('id', '>=', page.startId);
      if (page.cursor !== undefined) query = query.where('id', '<=', page.cursor);
      query = query.orderBy('id', 'desc');
    } else {
      query = query.where('id', '>=', page.cursor ?? page.startId);
      if (page.endId !== undefined) query = query.where('id', '<=', page.endId);
      query = query.orderBy('id', 'asc');
    }
    const rows = await query.limit(page.pageSize).execute();
    return rows.map((row) => ({ id: Number(row.id), payload: row.payload }));
  }

  async #commit(batch: readonly AppendRequest[]): Promise<StoredEvent[][]> {
    const timestamp = this.#now().toISOString();
    const conversationIds = [...new Set(batch.map((request) => request.conversationId))];
    let assignment: IdAssignment;
    try {
      assignment =
        this.#database.withSqliteConnection === undefined
          ? await this.#commitPostgres(batch, conversationIds, timestamp)
          : await this.#database.withSqliteConnection((connection) =>
              this.#commitSqlite(connection, batch, conversationIds, timestamp),
            );
    } catch (error) {
      // Another writer may have moved a conversation on: re-read its next id before the next append.
      for (const conversationId of conversationIds) this.#nextIds.delete(conversationId);
      if (error instanceof ParleyError) throw error;
      throw new ParleyError('STORAGE_FAILURE', `Append failed: ${String(error)}`, { cause: error });
    }
    for (const [conversationId, nextId] of assignment.nextIds)
      this.#nextIds.set(conversationId, nextId);
    const results = batch.map((request, requestIndex) => {
      const firstId = assignment.firstIds[requestIndex] as number;
      return request.events.map((prepared, index) =>
        storedEventFor(prepared, firstId + index, timestamp),
      );
    });
    batch.forEach((request, requestIndex) =>
      this.#notify(request.conversationId, results[requestIndex] ?? []),
    );
    return results;
  }

  /** Next ids for this process's cache, or undefined when the database must be asked. */
  #knownNextIds(conversationIds: readonly string[]): Map<string, number> {
    const nextIds = new Map<string, number>();
    for (const conversationId of conversationIds) {
      const known = this.#nextIds.get(conversationId);
      if (known !== undefined) nextIds.set(conversationId, known);
    }
    return nextIds;
  }

  #commitSqlite(
    connection: SqliteConnection,
    batch: readonly AppendRequest[],
    conversationIds: readonly string[],
    timestamp: string,
  ): IdAssignment {
    const statements = (this.#sqliteStatements ??= {
      insert: connection.prepare(
        'INSERT INTO events (conversation_id, id, timestamp, source, kind, type, hidden, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      maxId: connection.prepare('SELECT max(id) AS latest FROM events WHERE conversation_id = ?'),
    });
    const write = connection.transaction((): IdAssignment => {
      const nextIds = this.#knownNextIds(conversationIds);
      for (const conversationId of conversationIds) {
        if (nextIds.has(conversationId)) continue;
        const row = statements.maxId.get(conversationId) as { latest: number | null } | undefined;
        nextIds.set(
          conversationId,
          row?.latest === null || row?.latest === undefined ? 0 : row.latest + 1,
        );
      }
      const firstIds: number[] = [];
      for (const request of batch) {
        let id = nextIds.get(request.conversationId) as number;
        firstIds.push(id);
        for (const prepared of request.events) {
          statements.insert.run(
            request.conversationId,
            id,
            timestamp,
            prepared.source,
            prepared.kind,
            prepared.type,
            prepared.hidden,
            payloadFor(prepared, id, timestamp),
          );
          id++;
        }
        nextIds.set(request.conversationId, id);
      }
      return { nextIds, firstIds };
    });
    return write();
  }

  async #commitPostgres(
    batch: readonly AppendRequest[],
    conversationIds: readonly string[],
    timestamp: string,
  ): Promise<IdAssignment> {
    return this.#kysely.transaction().execute(async (transaction) => {
      const nextIds = this.#knownNextIds(conversationIds);
      const unknown = conversationIds.filter((conversationId) => !nextIds.has(conversationId));
      if (unknown.length > 0) {
        const rows = await transaction
          .selectFrom('events')
          .select((builder) => ['conversation_id', builder.fn.max('id').as('latest')])
          .where('conversation_id', 'in', unknown)
          .groupBy('conversation_id')
          .execute();
        for (const conversationId of unknown) nextIds.set(conversationId, 0);
        for (const row of rows) nextIds.set(row.conversation_id, Number(row.latest) + 1);
      }
      const rows: RowToInsert[] = [];
      const firstIds: number[] = [];
      for (const request of batch) {
        let id = nextIds.get(request.conversationId) as number;
        firstIds.push(id);
        for (const prepared of request.events) {
          rows.push({
            conversation_id: request.conversationId,
            id,
            timestamp,
            source: prepared.source,
            kind: prepared.kind,
            type: prepared.type,
            hidden: prepared.hidden,
            payload: payloadFor(prepared, id, timestamp),
          });
          id++;
        }
        nextIds.set(request.conversationId, id);
      }
      for (let start = 0; start < rows.length; start += postgresInsertChunk) {
        await transaction
          .insertInto('events')
          .values(rows.slice(start, start + postgresInsertChunk))
          .execute();
      }
      return { nextIds, firstIds };
    });
  }

  #notify(conversationId: string, events: readonly StoredEvent[]): void {
    for (const listener of this.#listeners) {
      try {
        listener(conversationId, events);
      } catch (error) {
        this.#logger.error({ err: error, conversationId }, 'commit listener failed');
      }
    }
  }
}

function requireConversationId(conversationId: string): void {
  if (typeof conversationId !== 'string') {
    throw new ParleyError('EVENT_FILTER_INVALID', 'conversationId must be a string');
  }
}

function validateId(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ParleyError('EVENT_FILTER_INVALID', `Invalid ${name} ${value}: use an integer ≥ 0`);
  }
  return value;
}
