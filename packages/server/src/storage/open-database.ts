import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Database } from './database.js';
import { withStatementCache, type KyselySqliteDatabase } from './kysely-statement-cache.js';
import { migrateToLatest } from './migrate.js';
import type { DatabaseSchema } from './schema.js';
import { applySqlitePragmas, type SqliteConnection } from './sqlite-connection.js';

export interface OpenDatabaseOptions {
  /** `postgres://…` selects PostgreSQL; undefined selects SQLite in `dataDirectory`. */
  databaseUrl: string | undefined;
  dataDirectory: string;
  /** SQLite file name inside the data directory. */
  sqliteFileName?: string;
  logger: Logger;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

/** Opens the database chosen by the configuration and brings its schema up to date. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const database =
    options.databaseUrl === undefined
      ? openSqlite(join(options.dataDirectory, options.sqliteFileName ?? 'parley.db'), options)
      : openPostgres(options.databaseUrl, options.logger);
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(database.kysely, options.logger);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

function openSqlite(path: string, options: OpenDatabaseOptions): Database {
  let connection: SqliteConnection;
  try {
    mkdirSync(options.dataDirectory, { recursive: true, mode: 0o700 });
    connection = new BetterSqlite3(path) as unknown as SqliteConnection;
    // Private to Parley's user; the WAL and shared-memory files SQLite makes take the same mode.
    chmodSync(path, 0o600);
    applySqlitePragmas(connection);
  } catch (error) {
    throw new ParleyError(
      'STORAGE_FAILURE',
      `Cannot open SQLite database ${path}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const kysely = new Kysely<DatabaseSchema>({
    dialect: new SqliteDialect({
      database: withStatementCache(connection as unknown as KyselySqliteDatabase),
    }),
  });
  let closed = false;
  return {
    kysely,
    dialect: 'sqlite',
    location: path,
    withSqliteConnection: (work) => kysely.connection().execute(async () => work(connection)),
    async close() {
      if (closed) return;
      closed = true;
      // Kysely's SQLite driver closes the connection it was given.
      await kysely.destroy();
    },
  };
}

function openPostgres(databaseUrl: string, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    // pg waits forever for a connection by default; an unreachable host must fail instead.
    connectionTimeoutMillis: 10_000,
  });
  // A dropped idle client must not crash the process; the next query takes a fresh one.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL client failed'));
  const kysely = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    kysely,
    dialect: 'postgres',
    location: withoutPassword(databaseUrl),
    withSqliteConnection: undefined,
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}

function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}
