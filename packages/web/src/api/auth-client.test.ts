/** @vitest-environment jsdom */
// The sign-in client against a recording fetch: paths, bodies, 401 as "nobody", error codes.
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-client';
import { createAuthClient } from './auth-client';

function fetchAnswering(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return { calls, fetch: fetchImpl as unknown as typeof fetch };
}

describe('createAuthClient', () => {
  it('signs in with a JSON body and sends the browser its cookies', async () => {
    const user = { id: 'u1', username: 'ada', name: 'Ada', email: null, kind: 'password' };
    const { calls, fetch } = fetchAnswering(200, user);
    const auth = createAuthClient({ fetch });
    expect(await auth.signIn('ada', 'correct horse')).toEqual(user);
    expect(calls[0]?.url).toBe('/api/auth/login');
    expect(calls[0]?.init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({
      username: 'ada',
      password: 'correct horse',
    });
  });

  it('reads a 401 from /api/auth/me as nobody signed in', async () => {
    const { fetch } = fetchAnswering(401, { code: 'AUTH_REQUIRED', message: 'Sign in first' });
    expect(await createAuthClient({ fetch }).getCurrentUser()).toBeNull();
  });

  it('rejects a refused sign-in with the server code and message', async () => {
    const { fetch } = fetchAnswering(429, {
      code: 'AUTH_LOGIN_LOCKED',
      message: 'Too many failed sign-ins; try again in 900 seconds',
    });
    const error = await createAuthClient({ fetch })
      .signIn('ada', 'x')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'AUTH_LOGIN_LOCKED' });
    expect((error as ApiError).message).toMatch(/900 seconds/);
  });

  it('lists, creates and revokes tokens on their routes', async () => {
    const listed = fetchAnswering(200, { tokens: [] });
    expect(await createAuthClient({ fetch: listed.fetch }).listTokens()).toEqual([]);
    expect(listed.calls[0]?.url).toBe('/api/auth/tokens');
    const revoked = fetchAnswering(204, undefined);
    await createAuthClient({ fetch: revoked.fetch }).revokeToken('id/1');
    expect(revoked.calls[0]).toMatchObject({
      url: '/api/auth/tokens/id%2F1',
      init: { method: 'DELETE' },
    });
  });
});
