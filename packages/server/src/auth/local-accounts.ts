import { ParleyError } from '../shared/errors.js';
import {
  requireValidPassword,
  requireValidUsername,
  type PasswordHasher,
} from './password-hasher.js';
import type { SqlLoginLimiter } from './sql-login-limiter.js';
import type { SqlUserStore, User } from './sql-user-store.js';

export interface LocalAccountsOptions {
  users: SqlUserStore;
  hasher: PasswordHasher;
  limiter: SqlLoginLimiter;
  /** Anyone may create an account at the sign-in page; off by default. */
  openSignup: boolean;
}

/**
 * Local accounts: a user name and a password hashed with argon2id. Created by the admin command
 * (`npm run user -- add NAME`) or, when open sign-up is on, by the visitor.
 */
export class LocalAccounts {
  readonly #options: LocalAccountsOptions;
  #unknownUserHash: Promise<string> | undefined;

  constructor(options: LocalAccountsOptions) {
    this.#options = options;
  }

  get openSignup(): boolean {
    return this.#options.openSignup;
  }

  /**
   * Checks a password sign-in under the brute-force limit.
   * @throws LoginLockedError (`AUTH_LOGIN_LOCKED`) while the account or address is locked;
   *   ParleyError `AUTH_LOGIN_FAILED` for an unknown name or a wrong password alike.
   */
  async signIn(attempt: { username: string; password: string; address: string }): Promise<User> {
    const { users, hasher, limiter } = this.#options;
    await limiter.checkNotLocked(attempt.username, attempt.address);
    const account = await users.findLocal(attempt.username);
    // An unknown name costs a hash check too, so timing does not tell which names exist.
    this.#unknownUserHash ??= hasher.hash('parley: no such user');
    const storedHash = account?.passwordHash ?? (await this.#unknownUserHash);
    const matches = await hasher.verify(storedHash, attempt.password);
    if (account === undefined || account.passwordHash === null || !matches) {
      await limiter.recordFailure(attempt.username, attempt.address);
      throw new ParleyError('AUTH_LOGIN_FAILED', 'Wrong user name or password');
    }
    await limiter.recordSuccess(attempt.username);
    return account.user;
  }

  /** @throws ParleyError `AUTH_SIGNUP_CLOSED`, `USER_INPUT_INVALID`, `USER_ALREADY_EXISTS`. */
  async signUp(account: { username: string; password: string; name?: string | null }) {
    if (!this.#options.openSignup) {
      throw new ParleyError('AUTH_SIGNUP_CLOSED', 'Sign-up is closed; ask an admin for an account');
    }
    return this.add(account);
  }

  /** The admin's way in. @throws ParleyError `USER_INPUT_INVALID`, `USER_ALREADY_EXISTS`. */
  async add(account: {
    username: string;
    password: string;
    name?: string | null;
    email?: string | null;
  }): Promise<User> {
    requireValidUsername(account.username);
    requireValidPassword(account.password);
    const passwordHash = await this.#options.hasher.hash(account.password);
    return this.#options.users.createLocal({
      username: account.username,
      passwordHash,
      name: account.name ?? null,
      email: account.email ?? null,
    });
  }

  /** Sets a new password; false when there is no such local account. */
  async setPassword(username: string, password: string): Promise<boolean> {
    requireValidPassword(password);
    const passwordHash = await this.#options.hasher.hash(password);
    return this.#options.users.setPasswordHash(username, passwordHash);
  }
}
