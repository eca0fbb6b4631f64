import type { IncomingHttpHeaders } from 'node:http';
import { ParleyError } from '../shared/errors.js';
import { AccountUserAuth, sessionIdFrom } from './account-user-auth.js';
import type { LocalAccounts } from './local-accounts.js';
import type { OidcSignIn } from './oidc-sign-in.js';
import type { ApiTokenSummary, SqlApiTokenStore } from './sql-api-token-store.js';
import type { SqlSessionStore } from './sql-session-store.js';
import type { SqlUserStore, User } from './sql-user-store.js';

/** A session just started: its id goes into the cookie. */
export interface StartedSession {
  readonly user: User;
  readonly sessionId: string;
  readonly expiresAt: Date;
}

export interface AccountsParts {
  users: SqlUserStore;
  local: LocalAccounts;
  sessions: SqlSessionStore;
  tokens: SqlApiTokenStore;
  /** Present when an OpenID provider is configured. */
  oidc: OidcSignIn | undefined;
  isOriginAllowed: (origin: string) => boolean;
  /** Session cookies always `Secure` (the public URL is https), else only over https. */
  secureCookies: boolean;
}

/**
 * Everything accounts mode offers the faces: who is calling (`userAuth`), password and OpenID
 * sign-in into a session, sign-out, and personal API tokens. Revoking a credential tells the
 * listeners (the realtime server closes that user's live sockets).
 */
export class Accounts {
  readonly userAuth: AccountUserAuth;
  readonly #parts: AccountsParts;
  readonly #revokedListeners = new Set<(userId: string) => void>();

  constructor(parts: AccountsParts) {
    this.#parts = parts;
    this.userAuth = new AccountUserAuth({
      sessions: parts.sessions,
      tokens: parts.tokens,
      isOriginAllowed: parts.isOriginAllowed,
    });
  }

  /**
   * Whether a V1 socket without a key in its URL must send an auth frame: when its upgrade
   * request brings no session cookie.
   */
  readonly socketKeyRequired = (headers: IncomingHttpHeaders): boolean =>
    sessionIdFrom(headers) === undefined;

  get secureCookies(): boolean {
    return this.#parts.secureCookies;
  }

  get openSignup(): boolean {
    return this.#parts.local.openSignup;
  }

  get oidc(): OidcSignIn | undefined {
    return this.#parts.oidc;
  }

  /** Calls `listener` with the user id whenever one of their sessions or tokens is revoked. */
  onCredentialRevoked(listener: (userId: string) => void): void {
    this.#revokedListeners.add(listener);
  }

  /** @throws as `LocalAccounts.signIn` (`AUTH_LOGIN_FAILED`, `AUTH_LOGIN_LOCKED`). */
  async signInWithPassword(attempt: {
    username: string;
    password: string;
    address: string;
  }): Promise<StartedSession> {
    return this.startSession(await this.#parts.local.signIn(attempt));
  }

  /** @throws ParleyError `AUTH_SIGNUP_CLOSED`, `USER_INPUT_INVALID`, `USER_ALREADY_EXISTS`. */
  async signUp(account: { username: string; password: string }): Promise<StartedSession> {
    return this.startSession(await this.#parts.local.signUp(account));
  }

  async startSession(user: User): Promise<StartedSession> {
    const { sessionId, absoluteExpiresAt } = await this.#parts.sessions.create(user.id);
    return { user, sessionId, expiresAt: absoluteExpiresAt };
  }

  /** Ends the session whose cookie the request carries (no cookie, or a dead one: nothing to do). */
  async signOut(headers: IncomingHttpHeaders): Promise<void> {
    const sessionId = sessionIdFrom(headers);
    if (sessionId === undefined) return;
    const userId = await this.#parts.sessions.revoke(sessionId);
    if (userId !== undefined) this.#revoked(userId);
  }

  /** @throws ParleyError `AUTH_REQUIRED` when the user no longer exists. */
  async user(userId: string): Promise<User> {
    const user = await this.#parts.users.findById(userId);
    if (user === undefined) throw new ParleyError('AUTH_REQUIRED', 'The account no longer exists');
    return user;
  }

  createToken(userId: string, name: string): Promise<ApiTokenSummary & { token: string }> {
    return this.#parts.tokens.create(userId, name);
  }

  listTokens(userId: string): Promise<ApiTokenSummary[]> {
    return this.#parts.tokens.list(userId);
  }

  /** @throws ParleyError `API_TOKEN_NOT_FOUND`. */
  async revokeToken(userId: string, id: string): Promise<void> {
    await this.#parts.tokens.revoke(userId, id);
    this.#revoked(userId);
  }

  #revoked(userId: string): void {
    for (const listener of this.#revokedListeners) listener(userId);
  }
}
