import { eventSources, resolveEventTypeName } from '@parley/protocol';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { ParleyError } from '../shared/errors.js';
import type { DatabaseDialect } from '../storage/database.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { EventFilter, StoredEvent } from './event-store.js';

type EventsExpressionBuilder = ExpressionBuilder<DatabaseSchema, 'events'>;

/** A validated filter: SQL conditions for what the database can decide, and a rare JS remainder. */
export interface CompiledEventFilter {
  where(builder: EventsExpressionBuilder): Expression<SqlBool>;
  /** Undefined when SQL decides everything. */
  matches: ((event: StoredEvent, payload: string) => boolean) | undefined;
}

const nonAscii = /[^\p{ASCII}]/u;

/** Validates a filter (bad input → EVENT_FILTER_INVALID naming the field) and compiles it. */
export function compileEventFilter(
  filter: EventFilter = {},
  dialect: DatabaseDialect,
): CompiledEventFilter {
  const includeTypes = (filter.includeTypes ?? []).map((name) =>
    resolveTypeName(name, 'includeTypes'),
  );
  const excludeTypes = (filter.excludeTypes ?? []).map((name) =>
    resolveTypeName(name, 'excludeTypes'),
  );
  if (filter.source !== undefined && !(eventSources as readonly string[]).includes(filter.source)) {
    throw invalid(
      `source must be one of ${eventSources.join(', ')}, got ${JSON.stringify(filter.source)}`,
    );
  }
  const startDate = normaliseDate(filter.startDate, 'startDate');
  const endDate = normaliseDate(filter.endDate, 'endDate');
  if (filter.query !== undefined && typeof filter.query !== 'string') {
    throw invalid('query must be a string');
  }
  const query =
    filter.query === undefined || filter.query === '' ? undefined : filter.query.toLowerCase();
  // SQL lower() folds ASCII only (SQLite, and PostgreSQL under the C locale), so a query with other
  // characters is matched in JS, with the same Unicode case folding as everywhere else.
  const queryInSql = query !== undefined && !nonAscii.test(query);

  return {
    where(builder) {
      const conditions: Expression<SqlBool>[] = [];
      if (filter.source !== undefined) conditions.push(builder('source', '=', filter.source));
      if (includeTypes.length > 0) {
        conditions.push(
          builder.or(
            includeTypes.map((type) =>
              builder.and([builder('kind', '=', type.kind), builder('type', '=', type.type)]),
            ),
          ),
        );
      }
      for (const type of excludeTypes) {
        conditions.push(
          builder.not(
            builder.and([builder('kind', '=', type.kind), builder('type', '=', type.type)]),
          ),
        );
      }
      // Stored timestamps are all `toISOString()` form, so they order as strings; PostgreSQL must
      // compare bytes, not a locale's collation, which may skip punctuation.
      const timestamp =
        dialect === 'postgres' ? sql<string>`timestamp COLLATE "C"` : sql<string>`timestamp`;
      if (startDate !== undefined) conditions.push(sql<SqlBool>`${timestamp} >= ${startDate}`);
      if (endDate !== undefined) conditions.push(sql<SqlBool>`${timestamp} <= ${endDate}`);
      if (filter.excludeHidden === true) conditions.push(builder('hidden', '=', 0));
      if (queryInSql) {
        const position = sql.raw(dialect === 'sqlite' ? 'instr' : 'strpos');
        conditions.push(sql<SqlBool>`${position}(lower(payload), ${query}) > 0`);
      }
      return builder.and(conditions);
    },
    matches:
      query === undefined || queryInSql
        ? undefined
        : (_event, payload) => payload.toLowerCase().includes(query),
  };
}

const isoDate =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Accepts an ISO 8601 date or date-time (with or without offset or fraction) and returns it in the
 * stored form (`YYYY-MM-DDTHH:mm:ss.sssZ`), so that string order is time order.
 */
function normaliseDate(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isoDate.test(value.trim()) || Number.isNaN(Date.parse(value))) {
    throw invalid(`${field} must be an ISO 8601 date, got ${JSON.stringify(value)}`);
  }
  return new Date(value).toISOString();
}

function resolveTypeName(name: unknown, field: string): { kind: string; type: string } {
  if (typeof name !== 'string') throw invalid(`${field} must list event type names`);
  try {
    return resolveEventTypeName(name);
  } catch {
    throw invalid(`${field}: unknown event type name ${JSON.stringify(name)}`);
  }
}

function invalid(message: string): ParleyError {
  return new ParleyError('EVENT_FILTER_INVALID', `Invalid event filter: ${message}`);
}
