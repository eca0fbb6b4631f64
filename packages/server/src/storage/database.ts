import type { Kysely } from 'kysely';
import type { DatabaseSchema } from './schema.js';
import type { SqliteConnection } from './sqlite-connection.js';

export type DatabaseDialect = 'sqlite' | 'postgres';

/** One open database: Kysely for queries, plus the raw SQLite connection for the append fast path. */
export interface Database {
  readonly kysely: Kysely<DatabaseSchema>;
  readonly dialect: DatabaseDialect;
  /** Where the data lives, with any password removed: a file path or a postgres URL. */
  readonly location: string;
  /**
   * SQLite only: runs synchronous `work` on the raw connection while holding Kysely's connection, so
   * it never interleaves with a Kysely transaction. Undefined on PostgreSQL.
   */
  readonly withSqliteConnection:
    (<T>(work: (connection: SqliteConnection) => T) => Promise<T>) | undefined;
  close(): Promise<void>;
}
