import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createSilentLogger } from '../../src/shared/logger.js';
import type { Database } from '../../src/storage/database.js';
import { openDatabase } from '../../src/storage/open-database.js';

/**
 * The database loop: every storage suite runs once per backend. PostgreSQL runs for real when the
 * server at PARLEY_TEST_POSTGRES_URL (default 127.0.0.1:5432) answers. Locally an absent server skips
 * its suites with a visible notice; with CI=true an absent server fails the run instead.
 */
export interface TestDatabaseBackend {
  name: 'sqlite' | 'postgres';
  available: boolean;
  /** Creates a fresh, migrated, empty database; `cleanup` closes and removes it. */
  create(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

export interface TestDatabase {
  database: Database;
  /** For SQLite, the data directory; for PostgreSQL, the connection URL of the fresh database. */
  location: string;
  /** Opens the same database again (a second connection, or after a close). */
  reopen(): Promise<Database>;
  cleanup(): Promise<void>;
}

export const postgresAdminUrl =
  process.env['PARLEY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

export async function testDatabaseBackends(): Promise<TestDatabaseBackend[]> {
  const postgresAvailable = await postgresIsReachable();
  if (!postgresAvailable) {
    if (isCi) {
      throw new Error(
        `PostgreSQL is not reachable at ${postgresAdminUrl}, and CI=true forbids skipping`,
      );
    }
    console.warn(
      `\n*** NOTICE: PostgreSQL is not reachable at ${postgresAdminUrl}: its storage suites are SKIPPED. ***\n`,
    );
  }
  return [
    { name: 'sqlite', available: true, create: createSqliteDatabase },
    { name: 'postgres', available: postgresAvailable, create: createPostgresDatabase },
  ];
}

export async function createSqliteDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
  return trackOpenings({
    databaseUrl: undefined,
    dataDirectory,
    location: dataDirectory,
    migrate: options.migrate ?? true,
    remove: async () => rmSync(dataDirectory, { recursive: true, force: true }),
  });
}

export async function createPostgresDatabase(
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `parley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return trackOpenings({
    databaseUrl: url.toString(),
    dataDirectory: tmpdir(),
    location: url.toString(),
    migrate: options.migrate ?? true,
    remove: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  });
}

/** Opens the database, remembers every opening, and closes them all before removing it. */
async function trackOpenings(target: {
  databaseUrl: string | undefined;
  dataDirectory: string;
  location: string;
  migrate: boolean;
  remove: () => Promise<void>;
}): Promise<TestDatabase> {
  const opened: Database[] = [];
  const open = async (migrate: boolean) => {
    const database = await openDatabase({
      databaseUrl: target.databaseUrl,
      dataDirectory: target.dataDirectory,
      logger: createSilentLogger(),
      migrate,
    });
    opened.push(database);
    return database;
  };
  return {
    database: await open(target.migrate),
    location: target.location,
    reopen: () => open(true),
    async cleanup() {
      for (const database of opened) await database.close();
      await target.remove();
    },
  };
}

async function postgresIsReachable(): Promise<boolean> {
  try {
    await adminQuery('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** Runs one statement on the PostgreSQL admin database (creating and dropping test databases). */
export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({
    connectionString: postgresAdminUrl,
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
