import type { Config } from '../config/config.js';
import type { Database } from '../storage/database.js';
import { Accounts } from './accounts.js';
import { LocalAccounts } from './local-accounts.js';
import { OidcSignIn } from './oidc-sign-in.js';
import { Argon2PasswordHasher, type PasswordHasher } from './password-hasher.js';
import { SqlApiTokenStore } from './sql-api-token-store.js';
import { SqlLoginLimiter, type LoginLimits } from './sql-login-limiter.js';
import { SqlSessionStore } from './sql-session-store.js';
import { SqlUserStore } from './sql-user-store.js';

/** The path the OpenID provider redirects back to, under the public URL. */
export const oidcCallbackPath = '/api/auth/oidc/callback';

export interface CreateAccountsOptions {
  database: Database;
  now?: () => Date;
  hasher?: PasswordHasher;
  loginLimits?: LoginLimits;
}

/**
 * Builds accounts mode from the configuration, or returns undefined for `mode: 'none'` (the
 * single local user, no sign-in). Everything lives in the database, so every process of a
 * cluster shares users, sessions, tokens and the sign-in failure counts.
 */
export function createAccounts(
  appConfig: Pick<Config, 'auth' | 'permittedCorsOrigins'>,
  options: CreateAccountsOptions,
): Accounts | undefined {
  const config = appConfig.auth;
  if (config.mode === 'none') return undefined;
  const { database } = options;
  const now = options.now ?? (() => new Date());
  const users = new SqlUserStore({ database, now });
  const oidc =
    config.oidc === undefined || config.publicUrl === undefined
      ? undefined
      : new OidcSignIn(
          { ...config.oidc, redirectUri: `${config.publicUrl}${oidcCallbackPath}` },
          users,
        );
  return new Accounts({
    users,
    local: new LocalAccounts({
      users,
      hasher: options.hasher ?? new Argon2PasswordHasher(),
      limiter: new SqlLoginLimiter({ database, now, ...optional('limits', options.loginLimits) }),
      openSignup: config.openSignup,
    }),
    sessions: new SqlSessionStore({
      database,
      now,
      lifetimes: { idleMs: config.sessionIdleMs, absoluteMs: config.sessionAbsoluteMs },
    }),
    tokens: new SqlApiTokenStore({ database, now }),
    oidc,
    // Cookie-authenticated writes come from Parley's own origin or one listed explicitly.
    isOriginAllowed: (origin) => appConfig.permittedCorsOrigins.includes(origin),
    secureCookies: config.publicUrl?.startsWith('https://') ?? false,
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
