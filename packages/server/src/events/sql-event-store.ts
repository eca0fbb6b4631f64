import type { Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Database } from '../storage/database.js';
import { failedBeforeCommit, isUniqueViolation } from '../storage/database-errors.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { AppendRequest, IdAssignment } from './event-batch.js';
import { compileEventFilter } from './event-filter.js';
import {
  measureEventPage,
  readEventPageArrays,
  readEventPages,
  readEvents,
  type PageRange,
} from './event-pager.js';
import {
  measuredRangeFor,
  pageRangeFor,
  requireConversationId,
  searchPageSize,
} from './event-read-range.js';
import { parsePayload, prepareEvent, storedEventFor } from './event-row.js';
import type {
  AppendOptions,
  CommitListener,
  EventFilter,
  EventStore,
  IterateOptions,
  MeasurePageOptions,
  NewEvent,
  OperationOptions,
  PageExtent,
  SearchOptions,
  SearchResult,
  StoredEvent,
  StoredEventPage,
} from './event-store.js';
import { GroupCommitter } from './group-committer.js';
import { StaleFenceError, writePostgresBatch } from './postgres-event-writer.js';
import { SqliteEventReader } from './sqlite-event-reader.js';
import { SqliteEventWriter } from './sqlite-event-writer.js';

/**
 * Times an append whose ids another writer took first is tried again at once with the head read
 * afresh: across processes two writers of one conversation (a user message beside the owner's
 * stream) collide now and then, and each retry follows a commit of the other.
 */
const maxCollisionRetries = 5;

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

/** The event log on SQLite or PostgreSQL, with group commit and paged reads. */
export class SqlEventStore implements EventStore {
  readonly #database: Database;
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #committer: GroupCommitter<AppendRequest, StoredEvent[]>;
  readonly #sqliteWriter = new SqliteEventWriter();
  readonly #sqliteReader = new SqliteEventReader();
  readonly #listeners = new Set<CommitListener>();
  /** Next id per conversation, known after its first append; only changed after a commit. */
  readonly #nextIds = new Map<string, number>();
  /** The last commit's timestamp: later commits never get an earlier one, even if the clock steps back. */
  #lastTimestamp = '';

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
      canRetryAlone: (error) => error instanceof ParleyError && error.isRetryable,
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
    return this.#committer.submit(
      { conversationId, events: prepared, fence: options.fence },
      options.signal,
    );
  }

  async search(conversationId: string, options: SearchOptions = {}): Promise<SearchResult> {
    const limit = options.limit;
    const pageSize = searchPageSize(limit);
    // One more than asked for tells whether there is more.
    const events = await readEvents(
      this.#kysely,
      this.#pageRange(conversationId, { ...options, pageSize }),
      limit === undefined ? Infinity : limit + 1,
    );
    const hasMore = limit !== undefined && events.length > limit;
    if (hasMore) events.pop();
    return { events, hasMore };
  }

  iterate(
    conversationId: string,
    options: IterateOptions = {},
  ): AsyncIterableIterator<StoredEvent> {
    return readEventPages(this.#kysely, this.#pageRange(conversationId, options));
  }

  iteratePages(
    conversationId: string,
    options: IterateOptions = {},
  ): AsyncGenerator<StoredEventPage> {
    return readEventPageArrays(this.#kysely, this.#pageRange(conversationId, options));
  }

  #pageRange(conversationId: string, options: IterateOptions): PageRange {
    return pageRangeFor(this.#database, this.#sqliteReader, conversationId, options);
  }

  measurePage(conversationId: string, options: MeasurePageOptions): Promise<PageExtent> {
    return measureEventPage(
      this.#kysely,
      measuredRangeFor(this.#database, this.#sqliteReader, conversationId, options),
    );
  }

  async get(
    conversationId: string,
    id: number,
    options: OperationOptions = {},
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

  async latestId(conversationId: string, options: OperationOptions = {}): Promise<number> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('events')
      .select((builder) => builder.fn.max('id').as('latest'))
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return row?.latest == null ? -1 : Number(row.latest);
  }

  async count(
    conversationId: string,
    filter?: EventFilter,
    options: OperationOptions = {},
  ): Promise<number> {
    throwIfAborted(options.signal);
    const compiled = compileEventFilter(filter, this.#database.dialect);
    if (compiled.matches !== undefined) {
      let total = 0;
      for await (const _event of this.iterate(conversationId, { filter, signal: options.signal })) {
        total++;
      }
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

  /** Runs between group commits, so no append can commit with a stale next id meanwhile. */
  async deleteConversation(
    conversationId: string,
    options: OperationOptions = {},
  ): Promise<number> {
    throwIfAborted(options.signal);
    return this.#committer.runExclusive(async () => {
      const result = await this.#kysely
        .deleteFrom('events')
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst();
      this.#nextIds.delete(conversationId);
      return Number(result.numDeletedRows);
    });
  }

  onCommit(listener: CommitListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  flush(): Promise<void> {
    return this.#committer.flush();
  }

  /** A no-op between group commits: it runs after every batch queued before it. */
  settled(): Promise<void> {
    return this.#committer.runExclusive(async () => undefined);
  }

  /** Safe at any moment: a commit under way sets the next id again, a later one reads it. */
  forget(conversationId: string): void {
    this.#nextIds.delete(conversationId);
  }

  close(): Promise<void> {
    return this.#committer.close();
  }

  async #commit(batch: readonly AppendRequest[]): Promise<StoredEvent[][]> {
    const timestamp = this.#nextTimestamp();
    const conversationIds = [...new Set(batch.map((request) => request.conversationId))];
    let assignment: IdAssignment | undefined;
    for (let attempt = 1; assignment === undefined; attempt++) {
      try {
        assignment = await this.#write(batch, conversationIds, timestamp);
      } catch (error) {
        // Another writer may have moved a conversation on: re-read its head before trying again.
        for (const conversationId of conversationIds) this.#nextIds.delete(conversationId);
        if (attempt <= maxCollisionRetries && isUniqueViolation(error)) continue;
        if (error instanceof StaleFenceError) {
          // Nothing committed: alone, each request of the batch commits or is refused on its own.
          throw new ParleyError('CONVERSATION_LEASE_LOST', error.message, { isRetryable: true });
        }
        throw new ParleyError('STORAGE_FAILURE', `Append failed: ${String(error)}`, {
          cause: error,
          isRetryable: failedBeforeCommit(error, this.#database.dialect),
        });
      }
    }
    for (const [conversationId, nextId] of assignment.nextIds) {
      this.#nextIds.set(conversationId, nextId);
    }
    const results = batch.map((request, requestIndex) => {
      const firstId = assignment.firstIds[requestIndex] as number;
      return request.events.map((prepared, index) =>
        storedEventFor(prepared, firstId + index, timestamp),
      );
    });
    batch.forEach((request, index) => this.#notify(request.conversationId, results[index] ?? []));
    return results;
  }

  #write(
    batch: readonly AppendRequest[],
    conversationIds: readonly string[],
    timestamp: string,
  ): Promise<IdAssignment> {
    const known = new Map<string, number>();
    for (const conversationId of conversationIds) {
      const nextId = this.#nextIds.get(conversationId);
      if (nextId !== undefined) known.set(conversationId, nextId);
    }
    if (this.#database.withSqliteConnection === undefined) {
      return writePostgresBatch(this.#kysely, batch, known, timestamp);
    }
    return this.#database.withSqliteConnection((connection) =>
      this.#sqliteWriter.write(connection, batch, known, timestamp),
    );
  }

  #nextTimestamp(): string {
    const now = this.#now().toISOString();
    this.#lastTimestamp = now > this.#lastTimestamp ? now : this.#lastTimestamp;
    return this.#lastTimestamp;
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
