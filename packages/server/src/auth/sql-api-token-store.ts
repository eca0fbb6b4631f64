import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { Database } from '../storage/database.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { hashSecretToken, newSecretToken } from './secret-token.js';

/** What a list shows of a token: never the token itself. */
export interface ApiTokenSummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

interface Signal {
  signal?: AbortSignal | undefined;
}

/** Last-used is written at most this often per token. */
const touchIntervalMs = 60_000;

/**
 * Personal API tokens for programs: created by their user (the token is returned once and only
 * its SHA-256 is kept), listed without the secret, revoked by id. A revoked token never works
 * again; its row stays (with `revoked_at`) but is no longer listed.
 */
export class SqlApiTokenStore {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #now: () => Date;

  constructor(options: { database: Database; now?: () => Date }) {
    this.#kysely = options.database.kysely;
    this.#now = options.now ?? (() => new Date());
  }

  async create(
    userId: string,
    name: string,
    options: Signal = {},
  ): Promise<ApiTokenSummary & { token: string }> {
    throwIfAborted(options.signal);
    const token = newSecretToken('pat_');
    const row = {
      id: randomUUID(),
      token_hash: hashSecretToken(token),
      user_id: userId,
      name,
      created_at: this.#now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.#kysely.insertInto('api_tokens').values(row).execute();
    return { id: row.id, name, createdAt: row.created_at, lastUsedAt: null, token };
  }

  async list(userId: string, options: Signal = {}): Promise<ApiTokenSummary[]> {
    throwIfAborted(options.signal);
    const rows = await this.#kysely
      .selectFrom('api_tokens')
      .select(['id', 'name', 'created_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  /**
   * Revokes one of the user's tokens.
   * @throws ParleyError `API_TOKEN_NOT_FOUND` for an unknown, revoked or foreign id.
   */
  async revoke(userId: string, id: string, options: Signal = {}): Promise<void> {
    throwIfAborted(options.signal);
    const result = await this.#kysely
      .updateTable('api_tokens')
      .set({ revoked_at: this.#now().toISOString() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) {
      throw new ParleyError('API_TOKEN_NOT_FOUND', 'No API token of yours has that id');
    }
  }

  /** The user a live token belongs to, or undefined. */
  async resolve(token: string, options: Signal = {}): Promise<string | undefined> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'last_used_at', 'revoked_at'])
      .where('token_hash', '=', hashSecretToken(token))
      .executeTakeFirst();
    if (row === undefined || row.revoked_at !== null) return undefined;
    const now = this.#now();
    if (
      row.last_used_at === null ||
      now.getTime() - new Date(row.last_used_at).getTime() >= touchIntervalMs
    ) {
      await this.#kysely
        .updateTable('api_tokens')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', row.id)
        .execute();
    }
    return row.user_id;
  }
}
