/**
 * Prepared-statement reuse for Kysely's SQLite dialect. Kysely's SQLite driver calls `prepare(sql)`
 * for every query it runs, and better-sqlite3 compiles the SQL anew each time: for the short lookups
 * of a REST request (a conversation's owner, a settings row) compiling costs about as much as
 * running. This hands Kysely a database whose `prepare` returns the statement compiled earlier for
 * the same SQL text, from a bounded least-recently-used cache.
 *
 * A statement still being iterated (Kysely's `stream()`) reports `busy`; such a statement is never
 * handed out twice, a fresh uncached one is compiled instead. SQLite re-prepares cached statements by
 * itself after a schema change, so migrations need no invalidation.
 */

/** The part of a better-sqlite3 statement Kysely's SQLite driver uses, plus `busy`. */
export interface KyselySqliteStatement {
  readonly reader: boolean;
  readonly busy: boolean;
  all(parameters: ReadonlyArray<unknown>): unknown[];
  run(parameters: ReadonlyArray<unknown>): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  };
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown>;
}

/** What Kysely's `SqliteDialect` needs of its `database`. */
export interface KyselySqliteDatabase {
  prepare(sql: string): KyselySqliteStatement;
  close(): void;
}

/** The default bound: Parley's queries are a few dozen distinct SQL texts. */
export const defaultStatementCacheSize = 256;

export function withStatementCache(
  database: KyselySqliteDatabase,
  capacity = defaultStatementCacheSize,
): KyselySqliteDatabase {
  const statements = new Map<string, KyselySqliteStatement>();
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached !== undefined) {
        if (cached.busy) return database.prepare(sql);
        // Map keeps insertion order: moving a hit to the end makes the first key the least recent.
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > capacity) {
        const leastRecent = statements.keys().next().value;
        if (leastRecent !== undefined) statements.delete(leastRecent);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}
