import { describe, expect, it } from 'vitest';
import { FakeSqliteConnection } from '../../test/support/fake-sqlite-connection.js';
import { applySqlitePragmas } from './sqlite-connection.js';

describe('applySqlitePragmas', () => {
  it('sets WAL, synchronous=FULL, foreign keys and the busy timeout on every open', () => {
    // A reopened WAL file: better-sqlite3 reports synchronous=NORMAL (1) until told otherwise.
    const connection = new FakeSqliteConnection({
      initial: { journal_mode: 'wal', synchronous: 1, foreign_keys: 0, busy_timeout: 0 },
    });
    applySqlitePragmas(connection);
    expect(connection.pragmaCalls).toEqual(
      expect.arrayContaining([
        'journal_mode = WAL',
        'synchronous = FULL',
        'foreign_keys = ON',
        'busy_timeout = 5000',
      ]),
    );
    expect(connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(connection.pragma('synchronous', { simple: true })).toBe(2);
    expect(connection.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(connection.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('switches a rollback-journal database to WAL', () => {
    const connection = new FakeSqliteConnection({
      initial: { journal_mode: 'delete', synchronous: 2, foreign_keys: 1, busy_timeout: 5000 },
    });
    expect(() => applySqlitePragmas(connection)).not.toThrow();
    expect(connection.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it.each(['memory', 'delete', 'off'])(
    'throws when the database stays in journal_mode %s instead of WAL',
    (journalMode) => {
      const connection = new FakeSqliteConnection({ refused: { journal_mode: journalMode } });
      expect(() => applySqlitePragmas(connection)).toThrow(
        `SQLite refused journal_mode=WAL (got ${journalMode})`,
      );
    },
  );

  it.each([0, 1])(
    'throws when the database keeps synchronous=%i instead of FULL',
    (synchronous) => {
      const connection = new FakeSqliteConnection({ refused: { synchronous } });
      expect(() => applySqlitePragmas(connection)).toThrow(
        `SQLite refused synchronous=FULL (got ${synchronous})`,
      );
    },
  );
});
