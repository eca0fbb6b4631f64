import type { Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import type { Database } from '../storage/database.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';

export interface SessionLifetimes {
  /** A session unused this long expires, in ms. */
  readonly idleMs: number;
  /** A session expires this long after sign-in however much it is used, in ms. */
  readonly absoluteMs: number;
}

export interface ResolvedSession {
  readonly userId: string;
  /** The stored hash: what identifies the session in logs and to revoke it. */
  readonly idHash: string;
}

interface Signal {
  signal?: AbortSignal | undefined;
}

/** Last-seen is written at most this often per session, so a busy client is not a write per call. */
const touchIntervalMs = 60_000;

/**
 * Browser sessions in the database, so that every process of a cluster accepts them: the cookie
 * carries a random id, the table its SHA-256 only. A session ends at its idle or absolute expiry
 * or when revoked (sign-out), whichever comes first.
 */
export class SqlSessionStore {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #lifetimes: SessionLifetimes;
  readonly #now: () => Date;

  constructor(options: { database: Database; lifetimes: SessionLifetimes; now?: () => Date }) {
    this.#kysely = options.database.kysely;
    this.#lifetimes = options.lifetimes;
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts a session; the returned id goes into the cookie and is never stored. */
  async create(
    userId: string,
    options: Signal = {},
  ): Promise<{ sessionId: string; absoluteExpiresAt: Date }> {
    throwIfAborted(options.signal);
    const sessionId = newSecretToken('ps_');
    const now = this.#now();
    const absoluteExpiresAt = new Date(now.getTime() + this.#lifetimes.absoluteMs);
    await this.#kysely
      .insertInto('auth_sessions')
      .values({
        id_hash: hashSecretToken(sessionId),
        user_id: userId,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        idle_expires_at: this.#idleExpiry(now, absoluteExpiresAt).toISOString(),
        absolute_expires_at: absoluteExpiresAt.toISOString(),
        revoked_at: null,
      })
      .execute();
    return { sessionId, absoluteExpiresAt };
  }

  /** The live session behind a cookie value, or undefined (unknown, expired or revoked). */
  async resolve(sessionId: string, options: Signal = {}): Promise<ResolvedSession | undefined> {
    throwIfAborted(options.signal);
    const idHash = hashSecretToken(sessionId);
    const row = await this.#kysely
      .selectFrom('auth_sessions')
      .select(['user_id', 'last_seen_at', 'idle_expires_at', 'absolute_expires_at', 'revoked_at'])
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    if (row === undefined || row.revoked_at !== null) return undefined;
    const now = this.#now();
    const absoluteExpiresAt = new Date(row.absolute_expires_at);
    if (now >= new Date(row.idle_expires_at) || now >= absoluteExpiresAt) return undefined;
    if (now.getTime() - new Date(row.last_seen_at).getTime() >= touchIntervalMs) {
      await this.#kysely
        .updateTable('auth_sessions')
        .set({
          last_seen_at: now.toISOString(),
          idle_expires_at: this.#idleExpiry(now, absoluteExpiresAt).toISOString(),
        })
        .where('id_hash', '=', idHash)
        .where('revoked_at', 'is', null)
        .execute();
    }
    return { userId: row.user_id, idHash };
  }

  /** Ends a session (sign-out); returns its user, or undefined when it was not live. */
  async revoke(sessionId: string, options: Signal = {}): Promise<string | undefined> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .updateTable('auth_sessions')
      .set({ revoked_at: this.#now().toISOString() })
      .where('id_hash', '=', hashSecretToken(sessionId))
      .where('revoked_at', 'is', null)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Ends every session of a user (a password change, an admin's decision); returns how many. */
  async revokeAllOf(userId: string, options: Signal = {}): Promise<number> {
    throwIfAborted(options.signal);
    const result = await this.#kysely
      .updateTable('auth_sessions')
      .set({ revoked_at: this.#now().toISOString() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  #idleExpiry(now: Date, absoluteExpiresAt: Date): Date {
    const idle = new Date(now.getTime() + this.#lifetimes.idleMs);
    return idle < absoluteExpiresAt ? idle : absoluteExpiresAt;
  }
}
