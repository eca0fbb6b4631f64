import { LocalAccounts } from '../../src/auth/local-accounts.js';
import { Argon2PasswordHasher } from '../../src/auth/password-hasher.js';
import { SqlLoginLimiter } from '../../src/auth/sql-login-limiter.js';
import { SqlUserStore, type User } from '../../src/auth/sql-user-store.js';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/storage/database.js';
import { request } from './test-api.js';

/** The environment that turns accounts on (local passwords). */
export const accountsEnvironment = { PARLEY_AUTH: 'accounts' } as const;

/** Creates a local account straight in the database, as the admin command does. */
export async function addLocalUser(
  database: Database,
  username: string,
  password: string,
): Promise<User> {
  const users = new SqlUserStore({ database });
  const accounts = new LocalAccounts({
    users,
    hasher: new Argon2PasswordHasher(),
    limiter: new SqlLoginLimiter({ database }),
    openSignup: false,
  });
  return accounts.add({ username, password });
}

/** The `name=value` pair of a response's session cookie, or undefined when none was set. */
export function sessionCookieOf(headers: Record<string, unknown>): string | undefined {
  const setCookie = headers['set-cookie'];
  const cookies = Array.isArray(setCookie) ? setCookie : [setCookie];
  for (const cookie of cookies) {
    if (typeof cookie !== 'string') continue;
    const pair = cookie.split(';')[0] ?? '';
    if (pair.startsWith('parley_session=') && pair !== 'parley_session=') return pair;
  }
  return undefined;
}

/** Signs in with a password through the API and returns the `Cookie` header value. */
export async function signIn(app: App, username: string, password: string): Promise<string> {
  const response = await request(app, 'POST', '/api/auth/login', {
    payload: { username, password },
  });
  const cookie = sessionCookieOf(response.headers);
  if (response.status !== 200 || cookie === undefined) {
    throw new Error(`sign-in failed: ${response.status} ${response.text}`);
  }
  return cookie;
}
