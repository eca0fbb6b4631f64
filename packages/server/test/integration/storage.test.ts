import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/shared/errors.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import type { Database } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { openDatabase } from '../../src/storage/open-database.js';
import type { SqliteConnection } from '../../src/storage/sqlite-connection.js';
import { testDatabaseBackends, type TestDatabase } from '../support/test-databases.js';

const allMigrations = [
  '0001-event-log',
  '0002-conversations',
  '0003-settings',
  '0004-secrets',
  '0005-conversation-leases',
  '0006-lease-activity',
];

const backends = await testDatabaseBackends();

async function migrationNames(database: Database): Promise<string[]> {
  const result = await sql<{
    name: string;
  }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database.kysely);
  return result.rows.map((row) => row.name);
}

async function tableNames(database: Database): Promise<string[]> {
  const tables = await database.kysely.introspection.getTables();
  return tables.map((table) => table.name).sort();
}

function eventRow(conversationId: string, id: number) {
  return {
    conversation_id: conversationId,
    id,
    timestamp: '2024-01-01T00:00:00.000Z',
    source: 'user',
    kind: 'action',
    type: 'message',
    hidden: 0,
    payload: `{"id":${id}}`,
  };
}

/** The column types each dialect reports for the event log. */
const columnTypes = {
  sqlite: { text: 'text', integer: 'integer' },
  postgres: { text: 'text', integer: 'int4' },
} as const;

for (const backend of backends) {
  describe.skipIf(!backend.available)(`storage on ${backend.name}`, () => {
    let testDatabase: TestDatabase | undefined;

    afterEach(async () => {
      await testDatabase?.cleanup();
      testDatabase = undefined;
    });

    it('runs the migrations at open, and opening again applies nothing twice', async () => {
      testDatabase = await backend.create();
      const { database } = testDatabase;
      expect(await migrationNames(database)).toEqual(allMigrations);
      await database.kysely.insertInto('events').values(eventRow('kept', 0)).execute();

      const again = await testDatabase.reopen();
      expect(await migrationNames(again)).toEqual(allMigrations);
      await migrateToLatest(again.kysely, createSilentLogger());
      expect(await migrationNames(again)).toEqual(allMigrations);
      // The table was not recreated: the row written before the reopen is still there.
      const rows = await again.kysely
        .selectFrom('events')
        .select(['conversation_id', 'id'])
        .execute();
      expect(rows.map((row) => [row.conversation_id, Number(row.id)])).toEqual([['kept', 0]]);
    });

    it('leaves the schema alone with migrate: false, and the next open applies it', async () => {
      testDatabase = await backend.create({ migrate: false });
      expect(await tableNames(testDatabase.database)).toEqual([]);
      const migrated = await testDatabase.reopen();
      expect(await tableNames(migrated)).toEqual([
        'conversation_leases',
        'conversations',
        'events',
        'secrets',
        'settings',
      ]);
      expect(await migrationNames(migrated)).toEqual(allMigrations);
    });

    it('creates the events table with the expected columns', async () => {
      testDatabase = await backend.create();
      const tables = await testDatabase.database.kysely.introspection.getTables();
      const events = tables.find((table) => table.name === 'events');
      const types = columnTypes[backend.name];
      expect(
        events?.columns.map((column) => ({
          name: column.name,
          type: column.dataType.toLowerCase(),
          nullable: column.isNullable,
          hasDefault: column.hasDefaultValue,
        })),
      ).toEqual([
        { name: 'conversation_id', type: types.text, nullable: false, hasDefault: false },
        { name: 'id', type: types.integer, nullable: false, hasDefault: false },
        { name: 'timestamp', type: types.text, nullable: false, hasDefault: false },
        { name: 'source', type: types.text, nullable: true, hasDefault: false },
        { name: 'kind', type: types.text, nullable: false, hasDefault: false },
        { name: 'type', type: types.text, nullable: false, hasDefault: false },
        { name: 'hidden', type: types.integer, nullable: false, hasDefault: true },
        { name: 'payload', type: types.text, nullable: false, hasDefault: false },
      ]);
    });

    it('keys events by (conversation_id, id), refuses negative ids and defaults hidden to 0', async () => {
      testDatabase = await backend.create();
      const { kysely } = testDatabase.database;
      await kysely.insertInto('events').values(eventRow('a', 0)).execute();
      await kysely.insertInto('events').values(eventRow('b', 0)).execute();
      await expect(kysely.insertInto('events').values(eventRow('a', 0)).execute()).rejects.toThrow(
        /UNIQUE constraint failed|duplicate key/,
      );
      await expect(kysely.insertInto('events').values(eventRow('a', -1)).execute()).rejects.toThrow(
        /events_id_non_negative/,
      );
      await sql`INSERT INTO events (conversation_id, id, timestamp, source, kind, type, payload)
        VALUES ('c', 0, '2024-01-01T00:00:00.000Z', NULL, 'action', 'message', '{"id":0}')`.execute(
        kysely,
      );
      const row = await kysely
        .selectFrom('events')
        .select('hidden')
        .where('conversation_id', '=', 'c')
        .executeTakeFirstOrThrow();
      expect(Number(row.hidden)).toBe(0);
    });

    it('closes idempotently, and a closed database refuses queries', async () => {
      testDatabase = await backend.create();
      const { database } = testDatabase;
      let connection: SqliteConnection | undefined;
      if (database.withSqliteConnection !== undefined) {
        connection = await database.withSqliteConnection((raw) => raw);
      }
      await database.close();
      await expect(database.close()).resolves.toBeUndefined();
      await expect(database.kysely.selectFrom('events').selectAll().execute()).rejects.toThrow();
      if (connection !== undefined) expect(connection.open).toBe(false);
    });
  });
}

describe('SQLite files', () => {
  let temporaryDirectory: string;
  const opened: Database[] = [];

  beforeEach(() => {
    temporaryDirectory = mkdtempSync(join(tmpdir(), 'parley-storage-'));
  });
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    rmSync(temporaryDirectory, { recursive: true, force: true });
  });

  async function openSqlite(dataDirectory: string): Promise<Database> {
    const database = await openDatabase({
      databaseUrl: undefined,
      dataDirectory,
      logger: createSilentLogger(),
    });
    opened.push(database);
    return database;
  }

  async function expectStorageFailureNaming(dataDirectory: string, path: string): Promise<void> {
    const failure = await openSqlite(dataDirectory).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ParleyError);
    expect(failure).toMatchObject({ code: 'STORAGE_FAILURE' });
    expect((failure as Error).message).toContain(path);
  }

  it('reopens a WAL file with synchronous=FULL, foreign keys on and a 5 s busy timeout', async () => {
    const dataDirectory = join(temporaryDirectory, 'data');
    await (await openSqlite(dataDirectory)).close();

    // The hazard this guards against: better-sqlite3 alone reopens a WAL file at NORMAL (1).
    const plain = new BetterSqlite3(join(dataDirectory, 'parley.db'));
    try {
      expect(plain.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(plain.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      plain.close();
    }

    const reopened = await openSqlite(dataDirectory);
    if (reopened.withSqliteConnection === undefined) throw new Error('Expected a SQLite database');
    const pragmas = await reopened.withSqliteConnection((connection) => ({
      journalMode: connection.pragma('journal_mode', { simple: true }),
      synchronous: connection.pragma('synchronous', { simple: true }),
      foreignKeys: connection.pragma('foreign_keys', { simple: true }),
      busyTimeout: connection.pragma('busy_timeout', { simple: true }),
    }));
    expect(pragmas).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: 1,
      busyTimeout: 5000,
    });
  });

  it('creates a missing data directory with mode 0700', async () => {
    const dataDirectory = join(temporaryDirectory, 'nested', 'data');
    const database = await openSqlite(dataDirectory);
    expect(statSync(dataDirectory).mode & 0o777).toBe(0o700);
    expect(database.location).toBe(join(dataDirectory, 'parley.db'));
    // The database and the files SQLite makes beside it are private to Parley's user.
    for (const name of ['parley.db', 'parley.db-wal', 'parley.db-shm']) {
      expect(statSync(join(dataDirectory, name)).mode & 0o777).toBe(0o600);
    }
  });

  it('fails with STORAGE_FAILURE naming the path when the data directory is a regular file', async () => {
    const dataDirectory = join(temporaryDirectory, 'not-a-directory');
    writeFileSync(dataDirectory, 'just a file');
    await expectStorageFailureNaming(dataDirectory, dataDirectory);
  });

  it('fails with STORAGE_FAILURE naming the path when the database file holds garbage', async () => {
    const dataDirectory = join(temporaryDirectory, 'data');
    mkdirSync(dataDirectory);
    const path = join(dataDirectory, 'parley.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    await expectStorageFailureNaming(dataDirectory, path);
  });

  it('fails with STORAGE_FAILURE naming the path when the database file is a directory', async () => {
    const dataDirectory = join(temporaryDirectory, 'data');
    const path = join(dataDirectory, 'parley.db');
    mkdirSync(path, { recursive: true });
    await expectStorageFailureNaming(dataDirectory, path);
  });
});

describe('PostgreSQL connection failures', () => {
  it('rejects an unreachable server promptly with STORAGE_FAILURE and no password', async () => {
    // Port 1 refuses the connection at once; the password must not appear in the error.
    const failure = await openDatabase({
      databaseUrl: 'postgres://parley:hunter2@127.0.0.1:1/parley',
      dataDirectory: tmpdir(),
      logger: createSilentLogger(),
    }).then(
      async (database) => {
        await database.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ParleyError);
    expect(failure).toMatchObject({ code: 'STORAGE_FAILURE' });
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
    expect((failure as Error).message).toContain('127.0.0.1:1');
    expect((failure as Error).message).not.toContain('hunter2');
  }, 10_000);
});
