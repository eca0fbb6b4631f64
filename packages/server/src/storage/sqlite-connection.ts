/**
 * The small part of better-sqlite3 that Parley uses directly, typed structurally so that code outside
 * `storage/` never depends on the driver's own types.
 */
export interface SqliteStatement {
  run(...parameters: unknown[]): { changes: number };
  get(...parameters: unknown[]): unknown;
  all(...parameters: unknown[]): unknown[];
}

export interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<TArguments extends unknown[], TResult>(
    work: (...parameters: TArguments) => TResult,
  ): (...parameters: TArguments) => TResult;
  readonly inTransaction: boolean;
  readonly open: boolean;
  close(): void;
}

/** Pragmas applied on every open. better-sqlite3 reopens WAL files at synchronous=NORMAL unless told. */
export const sqlitePragmas = [
  'journal_mode = WAL',
  'synchronous = FULL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
] as const;

/** Applies Parley's pragmas and checks that they took effect. Throws if WAL could not be enabled. */
export function applySqlitePragmas(connection: SqliteConnection): void {
  for (const pragma of sqlitePragmas) connection.pragma(pragma);
  const journalMode = connection.pragma('journal_mode', { simple: true });
  if (journalMode !== 'wal') {
    throw new Error(`SQLite refused journal_mode=WAL (got ${String(journalMode)})`);
  }
  const synchronous = connection.pragma('synchronous', { simple: true });
  if (synchronous !== 2) {
    throw new Error(`SQLite refused synchronous=FULL (got ${String(synchronous)})`);
  }
}
