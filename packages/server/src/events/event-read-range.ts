import { resolveEventTypeName } from '@parley/protocol';
import { ParleyError } from '../shared/errors.js';
import type { Database } from '../storage/database.js';
import { compileEventFilter } from './event-filter.js';
import type { MeasuredRange, PageRange } from './event-pager.js';
import type { EventFilter, IterateOptions, MeasurePageOptions } from './event-store.js';
import type { SqliteEventReader } from './sqlite-event-reader.js';

const defaultPageSize = 500;
const maxPageSize = 5_000;

/**
 * The page size of a search for at most `limit` events: one more than asked for, which tells
 * whether there is more. A limit must be a positive integer (omit it for everything).
 */
export function searchPageSize(limit: number | undefined): number {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new ParleyError('EVENT_FILTER_INVALID', `Invalid limit ${limit}: use a positive integer`);
  }
  return limit === undefined ? defaultPageSize : Math.min(limit + 1, maxPageSize);
}

/**
 * The range the pager reads for the store's read options: ids and page size checked, the filter
 * compiled, and, on SQLite, the prepared-statement reader where the filter allows it.
 */
export function pageRangeFor(
  database: Database,
  sqliteReader: SqliteEventReader,
  conversationId: string,
  options: IterateOptions,
): PageRange {
  requireConversationId(conversationId);
  const withSqliteConnection = database.withSqliteConnection;
  const filter = compileEventFilter(options.filter, database.dialect);
  const prepared = preparedReadFilter(options.filter);
  return {
    conversationId,
    startId: validateId(options.startId ?? 0, 'startId'),
    endId: options.endId === undefined ? undefined : validateId(options.endId, 'endId'),
    reverse: options.reverse === true,
    pageSize: Math.min(Math.max(1, Math.trunc(options.pageSize ?? defaultPageSize)), maxPageSize),
    filter,
    signal: options.signal,
    // Unfiltered SQLite pages (every replay) and REST pages (StreamingDelta left out) skip Kysely:
    // prepared statements, built once.
    readRows:
      withSqliteConnection === undefined || prepared === undefined
        ? undefined
        : (fromId, endId, limit) =>
            withSqliteConnection((connection) =>
              sqliteReader.readPage(
                connection,
                conversationId,
                fromId,
                endId,
                limit,
                prepared.excluded,
              ),
            ),
  };
}

/** The range `measurePage` measures, checked as `pageRangeFor` checks a read's. */
export function measuredRangeFor(
  database: Database,
  sqliteReader: SqliteEventReader,
  conversationId: string,
  options: MeasurePageOptions,
): MeasuredRange {
  requireConversationId(conversationId);
  const withSqliteConnection = database.withSqliteConnection;
  return {
    conversationId,
    startId: validateId(options.startId, 'startId'),
    maxEvents: Math.min(Math.max(1, Math.trunc(options.maxEvents)), maxPageSize),
    maxBytes: options.maxBytes,
    signal: options.signal,
    readSizes:
      withSqliteConnection === undefined
        ? undefined
        : (startId, limit) =>
            withSqliteConnection((connection) =>
              sqliteReader.readSizes(connection, conversationId, startId, limit),
            ),
  };
}

export function requireConversationId(conversationId: string): void {
  if (typeof conversationId !== 'string') {
    throw new ParleyError('EVENT_FILTER_INVALID', 'conversationId must be a string');
  }
}

/**
 * The filters the prepared SQLite reader serves: none (`{}`), or only `excludeTypes` naming one
 * type (`{ excluded }`, a REST page without StreamingDelta); undefined for any other filter. Call
 * after compileEventFilter, which rejects unknown type names.
 */
function preparedReadFilter(
  filter: EventFilter | undefined,
): { excluded?: { kind: string; type: string } } | undefined {
  if (selectsEverything(filter)) return {};
  const { excludeTypes, ...rest } = filter as EventFilter;
  const name = excludeTypes?.length === 1 ? excludeTypes[0] : undefined;
  if (name === undefined || !selectsEverything(rest)) return undefined;
  return { excluded: resolveEventTypeName(name) };
}

/** True when a filter has no criterion (an empty query or list and `excludeHidden: false` are none). */
function selectsEverything(filter: EventFilter | undefined): boolean {
  if (filter === undefined) return true;
  return Object.values(filter).every(
    (value) =>
      value === undefined ||
      value === false ||
      value === '' ||
      (Array.isArray(value) && value.length === 0),
  );
}

function validateId(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ParleyError('EVENT_FILTER_INVALID', `Invalid ${name} ${value}: use an integer ≥ 0`);
  }
  return value;
}
