import type { SqliteConnection, SqliteStatement } from '../../src/storage/sqlite-connection.js';

/** Pragma values as SQLite reports them: journal_mode as lower-case text, the others as numbers. */
export type PragmaValue = string | number;

export interface FakeSqliteConnectionOptions {
  /**
   * Values before any pragma is set. The defaults are what better-sqlite3 reports when it reopens a
   * WAL file: journal_mode 'wal', synchronous 1 (NORMAL), foreign_keys 1, busy_timeout 5000.
   */
  initial?: Record<string, PragmaValue>;
  /**
   * Values the database keeps whatever it is told, as SQLite does when it refuses a setting: an
   * in-memory database reports journal_mode 'memory' after `journal_mode = WAL`.
   */
  refused?: Record<string, PragmaValue>;
}

const synchronousLevels: Record<string, number> = { OFF: 0, NORMAL: 1, FULL: 2, EXTRA: 3 };
const booleanValues: Record<string, number> = { OFF: 0, FALSE: 0, NO: 0, ON: 1, TRUE: 1, YES: 1 };

/**
 * A stand-in for a better-sqlite3 connection that understands only `pragma`, enough to test the
 * pragma logic without a database. It records every pragma call in `pragmaCalls`.
 */
export class FakeSqliteConnection implements SqliteConnection {
  readonly pragmaCalls: string[] = [];
  readonly inTransaction = false;
  open = true;
  readonly #values: Map<string, PragmaValue>;
  readonly #refused: Map<string, PragmaValue>;

  constructor(options: FakeSqliteConnectionOptions = {}) {
    this.#values = new Map(
      Object.entries(
        options.initial ?? {
          journal_mode: 'wal',
          synchronous: 1,
          foreign_keys: 1,
          busy_timeout: 5000,
        },
      ),
    );
    this.#refused = new Map(Object.entries(options.refused ?? {}));
    for (const [name, value] of this.#refused) this.#values.set(name, value);
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    this.pragmaCalls.push(source);
    const [rawName, rawValue] = source.split('=').map((part) => part.trim());
    const name = (rawName ?? '').toLowerCase();
    if (rawValue !== undefined && !this.#refused.has(name)) {
      this.#values.set(name, parseValue(name, rawValue));
    }
    const value = this.#values.get(name);
    // Setting synchronous, foreign_keys or busy_timeout returns no rows in SQLite.
    if (value === undefined) return options.simple === true ? undefined : [];
    return options.simple === true ? value : [{ [name]: value }];
  }

  prepare(_sql: string): SqliteStatement {
    throw new Error('FakeSqliteConnection does not run statements');
  }

  exec(_sql: string): unknown {
    throw new Error('FakeSqliteConnection does not run statements');
  }

  transaction<TArguments extends unknown[], TResult>(
    work: (...parameters: TArguments) => TResult,
  ): (...parameters: TArguments) => TResult {
    return work;
  }

  close(): void {
    this.open = false;
  }
}

function parseValue(name: string, rawValue: string): PragmaValue {
  const upper = rawValue.toUpperCase();
  if (name === 'journal_mode') return rawValue.toLowerCase();
  if (name === 'synchronous' && upper in synchronousLevels)
    return synchronousLevels[upper] as number;
  if (upper in booleanValues) return booleanValues[upper] as number;
  const number = Number(rawValue);
  return Number.isNaN(number) ? rawValue : number;
}
