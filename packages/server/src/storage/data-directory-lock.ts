import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ParleyError } from '../shared/errors.js';
import type { Database } from './database.js';
import { openDatabase, type OpenDatabaseOptions } from './open-database.js';

export interface DataDirectoryLock {
  /** Gives the directory up (after the database closed). */
  release(): void;
}

/**
 * Makes sure no other Parley process uses this SQLite data directory: SQLite holds the log of one
 * process only (its group commit and id assignment are that process's). The lock is an exclusive
 * transaction on `<dataDirectory>/parley.lock`, held open for the life of the process; the
 * operating system lets it go when the process ends, however it ends (SIGKILL included), so no
 * stale lock file ever needs removing by hand. A second process fails with
 * `DATA_DIRECTORY_IN_USE` and a one-line reason.
 */
export function lockDataDirectory(dataDirectory: string): DataDirectoryLock {
  const path = join(dataDirectory, 'parley.lock');
  let connection: BetterSqlite3.Database;
  try {
    mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
    connection = new BetterSqlite3(path, { timeout: 0 });
  } catch (error) {
    throw new ParleyError(
      'STORAGE_FAILURE',
      `Cannot use the data directory ${dataDirectory}: ${String(error)}`,
      { cause: error },
    );
  }
  try {
    connection.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    connection.close();
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new ParleyError(
        'DATA_DIRECTORY_IN_USE',
        `Another Parley process is using the data directory ${dataDirectory} (SQLite serves one process; set DATABASE_URL to PostgreSQL to run several)`,
      );
    }
    throw error;
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      connection.exec('ROLLBACK');
      connection.close();
    },
  };
}

/**
 * The server's database: with SQLite, the data directory is locked first (`lockDataDirectory`),
 * so a second process stops before it touches the file; `close` closes the database, then lets
 * the directory go.
 */
export async function openServerDatabase(
  options: OpenDatabaseOptions,
): Promise<{ database: Database; close(): Promise<void> }> {
  const lock =
    options.databaseUrl === undefined ? lockDataDirectory(options.dataDirectory) : undefined;
  try {
    const database = await openDatabase(options);
    return {
      database,
      async close() {
        try {
          await database.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
