import { sql, type Kysely } from 'kysely';
import { ParleyError } from '../shared/errors.js';
import type { Database } from '../storage/database.js';
import type { DatabaseSchema } from '../storage/schema.js';

export interface LoginLimits {
  /** Failed sign-ins to one account within the window before it is locked. */
  readonly perAccount: number;
  /** Failed sign-ins from one client address within the window before it is locked. */
  readonly perAddress: number;
  /** The counting window and the lockout's length, in ms. */
  readonly windowMs: number;
}

export const defaultLoginLimits: LoginLimits = {
  perAccount: 5,
  perAddress: 20,
  windowMs: 15 * 60_000,
};

/** Raised while a key is locked; `retryAfterSeconds` goes into the `Retry-After` header. */
export class LoginLockedError extends ParleyError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super(
      'AUTH_LOGIN_LOCKED',
      `Too many failed sign-ins; try again in ${retryAfterSeconds} seconds`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * Brute-force limit on password sign-in, in the database so every process counts together:
 * failures are counted per account (`account:<name>`) and per client address (`address:<ip>`)
 * within a window; at the limit the key is locked for one window. A success clears the account's
 * count (not the address's).
 */
export class SqlLoginLimiter {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #limits: LoginLimits;
  readonly #now: () => Date;

  constructor(options: { database: Database; limits?: LoginLimits; now?: () => Date }) {
    this.#kysely = options.database.kysely;
    this.#limits = options.limits ?? defaultLoginLimits;
    this.#now = options.now ?? (() => new Date());
  }

  /** @throws LoginLockedError when the account or the address is locked. */
  async checkNotLocked(account: string, address: string): Promise<void> {
    const now = this.#now();
    const rows = await this.#kysely
      .selectFrom('login_failures')
      .select(['locked_until'])
      .where('key', 'in', [accountKey(account), addressKey(address)])
      .where('locked_until', '>', now.toISOString())
      .execute();
    const until = Math.max(0, ...rows.map((row) => new Date(row.locked_until ?? 0).getTime()));
    if (until > now.getTime())
      throw new LoginLockedError(Math.ceil((until - now.getTime()) / 1000));
  }

  /** Counts a failed sign-in against both keys, locking any that reached its limit. */
  async recordFailure(account: string, address: string): Promise<void> {
    await this.#count(accountKey(account), this.#limits.perAccount);
    await this.#count(addressKey(address), this.#limits.perAddress);
  }

  async recordSuccess(account: string): Promise<void> {
    await this.#kysely
      .deleteFrom('login_failures')
      .where('key', '=', accountKey(account))
      .execute();
  }

  async #count(key: string, limit: number): Promise<void> {
    const now = this.#now();
    const windowStart = new Date(now.getTime() - this.#limits.windowMs).toISOString();
    // A window that ended (and no lock still running) starts over.
    await this.#kysely
      .deleteFrom('login_failures')
      .where('key', '=', key)
      .where('window_started_at', '<=', windowStart)
      .where((where) =>
        where.or([
          where('locked_until', 'is', null),
          where('locked_until', '<=', now.toISOString()),
        ]),
      )
      .execute();
    // One atomic statement per failure, so concurrent failures on several processes all count.
    const row = await this.#kysely
      .insertInto('login_failures')
      .values({ key, failures: 1, window_started_at: now.toISOString(), locked_until: null })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({ failures: sql`login_failures.failures + 1` }),
      )
      .returning(['failures', 'locked_until'])
      .executeTakeFirstOrThrow();
    if (Number(row.failures) >= limit && row.locked_until === null) {
      await this.#kysely
        .updateTable('login_failures')
        .set({ locked_until: new Date(now.getTime() + this.#limits.windowMs).toISOString() })
        .where('key', '=', key)
        .execute();
    }
  }
}

function accountKey(account: string): string {
  return `account:${account.toLowerCase()}`;
}

function addressKey(address: string): string {
  return `address:${address}`;
}
