import type { DatabaseDialect } from './database.js';

interface ErrorWithCode {
  code?: unknown;
  severity?: unknown;
}

/** A primary-key or unique constraint rejected a row (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as ErrorWithCode | undefined)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === '23505'
  );
}

/**
 * True when a failed write certainly committed nothing, so running it again cannot duplicate it.
 * SQLite runs in-process: a failure rolls back. PostgreSQL: an error the server reported (it has a
 * SQLSTATE and a severity) aborted the transaction; a lost connection may have lost a COMMIT's reply.
 */
export function failedBeforeCommit(error: unknown, dialect: DatabaseDialect): boolean {
  if (dialect === 'sqlite') return true;
  const { code, severity } = (error ?? {}) as ErrorWithCode;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}
