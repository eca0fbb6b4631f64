/**
 * Sign-in and personal API tokens (`/api/auth/…`). The session is an HTTP-only cookie the browser
 * keeps and sends by itself: this client never sees it.
 *
 *   const auth = createAuthClient();
 *   const options = await auth.getOptions();        // { mode: 'none' | 'accounts', … }
 *   const user = await auth.getCurrentUser();       // null when nobody is signed in (401)
 */
import type { ApiTokenSummary, AuthOptions, CreatedApiToken, CurrentUser } from '@parley/protocol';
import { ApiError, apiErrorFrom } from './api-client';

export interface AuthClient {
  getOptions(signal?: AbortSignal): Promise<AuthOptions>;
  /** The signed-in user, or null when the server answers 401 (nobody, or the session ended). */
  getCurrentUser(signal?: AbortSignal): Promise<CurrentUser | null>;
  signIn(username: string, password: string): Promise<CurrentUser>;
  signUp(username: string, password: string): Promise<CurrentUser>;
  signOut(): Promise<void>;
  listTokens(signal?: AbortSignal): Promise<ApiTokenSummary[]>;
  /** The answer is the only time the token itself is shown. */
  createToken(name: string): Promise<CreatedApiToken>;
  revokeToken(id: string): Promise<void>;
}

/** Where the browser goes to sign in with the OpenID provider. */
export const oidcStartPath = '/api/auth/oidc/start';

export function createAuthClient(
  options: { baseUrl?: string; fetch?: typeof fetch } = {},
): AuthClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(
    method: string,
    path: string,
    init: { body?: unknown; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetchImpl(`${baseUrl}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
    if (!response.ok) throw await apiErrorFrom(response);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  return {
    getOptions: (signal) => call<AuthOptions>('GET', '/api/auth/options', { signal }),
    async getCurrentUser(signal) {
      try {
        return await call<CurrentUser>('GET', '/api/auth/me', { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    signIn: (username, password) =>
      call<CurrentUser>('POST', '/api/auth/login', { body: { username, password } }),
    signUp: (username, password) =>
      call<CurrentUser>('POST', '/api/auth/signup', { body: { username, password } }),
    async signOut() {
      await call('POST', '/api/auth/logout');
    },
    async listTokens(signal) {
      return (await call<{ tokens: ApiTokenSummary[] }>('GET', '/api/auth/tokens', { signal }))
        .tokens;
    },
    createToken: (name) => call<CreatedApiToken>('POST', '/api/auth/tokens', { body: { name } }),
    async revokeToken(id) {
      await call('DELETE', `/api/auth/tokens/${encodeURIComponent(id)}`);
    },
  };
}
