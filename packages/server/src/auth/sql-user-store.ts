import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { Database } from '../storage/database.js';
import { isUniqueViolation } from '../storage/database-errors.js';
import type { DatabaseSchema, UsersTable } from '../storage/schema.js';

/** A user as the rest of Parley sees it (never the password hash). */
export interface User {
  readonly id: string;
  /** The local sign-in name, or null for an OpenID Connect user. */
  readonly username: string | null;
  readonly name: string | null;
  readonly email: string | null;
  readonly issuer: string | null;
  readonly subject: string | null;
  readonly createdAt: string;
}

interface Signal {
  signal?: AbortSignal | undefined;
}

/** Users in SQL: local accounts by user name, OpenID Connect users by issuer + subject. */
export class SqlUserStore {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #now: () => Date;

  constructor(options: { database: Database; now?: () => Date }) {
    this.#kysely = options.database.kysely;
    this.#now = options.now ?? (() => new Date());
  }

  /** @throws ParleyError `USER_ALREADY_EXISTS` when the user name is taken (nothing written). */
  async createLocal(
    account: {
      username: string;
      passwordHash: string;
      name?: string | null;
      email?: string | null;
    },
    options: Signal = {},
  ): Promise<User> {
    throwIfAborted(options.signal);
    const row: UsersTable = {
      id: randomUUID(),
      issuer: null,
      subject: null,
      username: account.username,
      name: account.name ?? account.username,
      email: account.email ?? null,
      password_hash: account.passwordHash,
      created_at: this.#now().toISOString(),
    };
    try {
      await this.#kysely.insertInto('users').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ParleyError('USER_ALREADY_EXISTS', `The user name ${account.username} is taken`, {
          cause: error,
        });
      }
      throw error;
    }
    return toUser(row);
  }

  /** The local account with that name and its password hash, or undefined. */
  async findLocal(
    username: string,
    options: Signal = {},
  ): Promise<{ user: User; passwordHash: string | null } | undefined> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    return row === undefined ? undefined : { user: toUser(row), passwordHash: row.password_hash };
  }

  async findById(id: string, options: Signal = {}): Promise<User | undefined> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : toUser(row);
  }

  /** Replaces a local account's password hash; false when no such account exists. */
  async setPasswordHash(username: string, passwordHash: string, options: Signal = {}) {
    throwIfAborted(options.signal);
    const result = await this.#kysely
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('username', '=', username)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * The user an OpenID provider vouched for (issuer + subject), created at the first sign-in;
   * name and email follow the latest claims.
   */
  async upsertFromProvider(
    identity: { issuer: string; subject: string; name: string | null; email: string | null },
    options: Signal = {},
  ): Promise<User> {
    throwIfAborted(options.signal);
    const existing = await this.#kysely
      .selectFrom('users')
      .selectAll()
      .where('issuer', '=', identity.issuer)
      .where('subject', '=', identity.subject)
      .executeTakeFirst();
    if (existing !== undefined) {
      await this.#kysely
        .updateTable('users')
        .set({ name: identity.name, email: identity.email })
        .where('id', '=', existing.id)
        .execute();
      return toUser({ ...existing, name: identity.name, email: identity.email });
    }
    const row: UsersTable = {
      id: randomUUID(),
      issuer: identity.issuer,
      subject: identity.subject,
      username: null,
      name: identity.name,
      email: identity.email,
      password_hash: null,
      created_at: this.#now().toISOString(),
    };
    try {
      await this.#kysely.insertInto('users').values(row).execute();
    } catch (error) {
      // A concurrent first sign-in of the same person won the insert: use its row.
      if (!isUniqueViolation(error)) throw error;
      return this.upsertFromProvider(identity, options);
    }
    return toUser(row);
  }
}

function toUser(row: UsersTable): User {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    email: row.email,
    issuer: row.issuer,
    subject: row.subject,
    createdAt: row.created_at,
  };
}
