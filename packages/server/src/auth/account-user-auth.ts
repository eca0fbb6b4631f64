import type { IncomingHttpHeaders } from 'node:http';
import { fastifyCookie } from '@fastify/cookie';
import { ParleyError } from '../shared/errors.js';
import type { SqlApiTokenStore } from './sql-api-token-store.js';
import type { SqlSessionStore } from './sql-session-store.js';
import type { UserAuth, UserAuthRequest } from './user-auth.js';

/** The session cookie's name. */
export const sessionCookieName = 'parley_session';

/** How a caller proved who it is. */
export interface Authentication {
  readonly userId: string;
  /** `session`: the browser's cookie (origin-checked); `token`: a personal API token. */
  readonly via: 'session' | 'token';
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Accounts mode: the caller is the user of a personal API token (`Authorization: Bearer`, or a
 * socket's `session_api_key`) or of a live session cookie. A cookie-authenticated request that
 * may change state must come from this site (its `Origin`, else `Sec-Fetch-Site`), so another
 * site cannot make a signed-in browser act (CSRF); tokens are not sent by browsers on their own
 * and need no such check.
 */
export class AccountUserAuth implements UserAuth {
  readonly #sessions: SqlSessionStore;
  readonly #tokens: SqlApiTokenStore;
  readonly #isOriginAllowed: (origin: string) => boolean;

  constructor(options: {
    sessions: SqlSessionStore;
    tokens: SqlApiTokenStore;
    /** Other origins trusted like this one (the CORS rule). */
    isOriginAllowed: (origin: string) => boolean;
  }) {
    this.#sessions = options.sessions;
    this.#tokens = options.tokens;
    this.#isOriginAllowed = options.isOriginAllowed;
  }

  async userIdFor(request: UserAuthRequest): Promise<string> {
    return (await this.authenticate(request)).userId;
  }

  /** @throws ParleyError `AUTH_REQUIRED`, `AUTH_ORIGIN_REFUSED`. */
  async authenticate(request: UserAuthRequest): Promise<Authentication> {
    const bearer = bearerToken(request.headers) ?? nonEmpty(request.presentedKey);
    if (bearer !== undefined) {
      const userId = await this.#tokens.resolve(bearer);
      if (userId === undefined) throw authRequired('The API token is unknown or revoked');
      return { userId, via: 'token' };
    }
    const sessionId = sessionIdFrom(request.headers);
    if (sessionId === undefined) throw authRequired('Sign in first');
    const session = await this.#sessions.resolve(sessionId);
    if (session === undefined) throw authRequired('The session has expired or was ended');
    if (!safeMethods.has((request.method ?? 'GET').toUpperCase())) {
      this.requireSameSite(request.headers);
    }
    return { userId: session.userId, via: 'session' };
  }

  /** @throws ParleyError `AUTH_ORIGIN_REFUSED` when the request comes from another site. */
  requireSameSite(headers: IncomingHttpHeaders): void {
    const origin = headers.origin;
    if (origin !== undefined) {
      if (origin !== 'null' && (sameHost(origin, headers.host) || this.#isOriginAllowed(origin))) {
        return;
      }
      throw originRefused();
    }
    const site = headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') throw originRefused();
  }
}

/** The session id in a `Cookie` header, if any. */
export function sessionIdFrom(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.cookie;
  if (header === undefined || header === '') return undefined;
  return nonEmpty(fastifyCookie.parse(header)[sessionCookieName]);
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) throw authRequired('Authorization must be "Bearer <token>"');
  return match[1];
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function authRequired(message: string): ParleyError {
  return new ParleyError('AUTH_REQUIRED', message);
}

function originRefused(): ParleyError {
  return new ParleyError(
    'AUTH_ORIGIN_REFUSED',
    'A request from another site may not use this session; send it from Parley or use an API token',
  );
}
