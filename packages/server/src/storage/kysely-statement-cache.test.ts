import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Generated } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  withStatementCache,
  type KyselySqliteDatabase,
  type KyselySqliteStatement,
} from './kysely-statement-cache.js';

/** A real in-memory better-sqlite3 database that counts compilations. */
function countingDatabase() {
  const connection = new BetterSqlite3(':memory:');
  const prepared: string[] = [];
  const database: KyselySqliteDatabase = {
    prepare(text) {
      prepared.push(text);
      return connection.prepare(text) as unknown as KyselySqliteStatement;
    },
    close: () => connection.close(),
  };
  return { connection, database, prepared };
}

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const database of opened.splice(0)) database.close();
});

describe('withStatementCache', () => {
  it('compiles each SQL text once and hands the same statement back', () => {
    const { database, prepared } = countingDatabase();
    const cached = withStatementCache(database);
    opened.push(cached);
    const first = cached.prepare('select 1 as one');
    const second = cached.prepare('select 1 as one');
    expect(second).toBe(first);
    expect(second.all([])).toEqual([{ one: 1 }]);
    cached.prepare('select 2 as two');
    expect(prepared).toEqual(['select 1 as one', 'select 2 as two']);
  });

  it('never hands out a statement that is still being iterated', () => {
    const { database, prepared } = countingDatabase();
    const cached = withStatementCache(database);
    opened.push(cached);
    const query = 'select value from (select 1 as value union all select 2) order by value';
    const streaming = cached.prepare(query);
    const rows = streaming.iterate([]);
    expect(rows.next().value).toEqual({ value: 1 });
    expect(streaming.busy).toBe(true);

    const meanwhile = cached.prepare(query);
    expect(meanwhile).not.toBe(streaming);
    expect(meanwhile.all([])).toEqual([{ value: 1 }, { value: 2 }]);
    expect(rows.next().value).toEqual({ value: 2 });
    expect(rows.next().done).toBe(true);
    expect(cached.prepare(query)).toBe(streaming);
    expect(prepared).toEqual([query, query]);
  });

  it('keeps at most `capacity` statements, dropping the least recently used', () => {
    const { database, prepared } = countingDatabase();
    const cached = withStatementCache(database, 2);
    opened.push(cached);
    cached.prepare('select 1');
    cached.prepare('select 2');
    cached.prepare('select 1'); // now the most recent
    cached.prepare('select 3'); // evicts "select 2"
    cached.prepare('select 1');
    cached.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
  });

  it('serves Kysely queries, writes and streams, and survives a schema change', async () => {
    const { database, prepared } = countingDatabase();
    const kysely = new Kysely<{ notes: { id: Generated<number>; text: string } }>({
      dialect: new SqliteDialect({ database: withStatementCache(database) }),
    });
    try {
      await sql`create table notes (id integer primary key, text text not null)`.execute(kysely);
      for (const text of ['a', 'b', 'c']) {
        await kysely.insertInto('notes').values({ text }).execute();
      }
      const selectAll = () => kysely.selectFrom('notes').select(['id', 'text']).orderBy('id');
      expect(await selectAll().execute()).toHaveLength(3);
      expect(await selectAll().execute()).toHaveLength(3);
      const streamed: string[] = [];
      for await (const row of selectAll().stream()) streamed.push(row.text);
      expect(streamed).toEqual(['a', 'b', 'c']);

      await sql`alter table notes add column extra integer`.execute(kysely);
      expect(await selectAll().execute()).toEqual([
        { id: 1, text: 'a' },
        { id: 2, text: 'b' },
        { id: 3, text: 'c' },
      ]);
      // One compilation per distinct SQL text: create, insert, select, alter.
      expect(new Set(prepared).size).toBe(prepared.length);
      expect(prepared).toHaveLength(4);
    } finally {
      await kysely.destroy();
    }
  });
});
