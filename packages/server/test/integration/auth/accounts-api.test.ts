import { afterEach, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../../src/auth/secret-token.js';
import {
  accountsEnvironment,
  addLocalUser,
  sessionCookieOf,
  signIn,
} from '../../support/accounts.js';
import { createTestApi, request, type TestApi } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

/** A browser on Parley's own page: its Host and Origin agree. */
const host = 'parley.test:3000';
const sameSite = { host, origin: `http://${host}` };

async function conversationCount(api: TestApi): Promise<number> {
  const row = await api.app.database.kysely
    .selectFrom('conversations')
    .select((builder) => builder.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`accounts over REST on ${backend.name}`, () => {
    let api: TestApi | undefined;

    afterEach(async () => {
      await api?.cleanup();
      api = undefined;
    });

    it('without PARLEY_AUTH stays one local user with no sign-in', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only' });
      expect((await request(api.app, 'GET', '/api/auth/options')).body).toEqual({
        mode: 'none',
        password: false,
        open_signup: false,
        oidc: false,
      });
      expect((await request(api.app, 'GET', '/api/auth/me')).body).toMatchObject({
        id: 'local',
        kind: 'local',
      });
      expect((await request(api.app, 'GET', '/api/conversations')).status).toBe(200);
      expect((await request(api.app, 'GET', '/api/auth/tokens')).status).toBe(404);
      expect((await request(api.app, 'POST', '/api/auth/login', { payload: {} })).status).toBe(404);
    });

    it('refuses every user route without a session or token, and says how to sign in', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      const refused = await request(api.app, 'GET', '/api/conversations');
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'AUTH_REQUIRED' });
      const created = await request(api.app, 'POST', '/api/conversations', { payload: {} });
      expect(created.status).toBe(401);
      expect(await conversationCount(api)).toBe(0);
      expect((await request(api.app, 'GET', '/api/auth/options')).body).toEqual({
        mode: 'accounts',
        password: true,
        open_signup: false,
        oidc: false,
      });
      const garbled = await request(api.app, 'GET', '/api/conversations', {
        headers: { cookie: 'parley_session=ps_forged' },
      });
      expect(garbled.status).toBe(401);
    });

    it('signs in with a password into an HTTP-only SameSite=Lax cookie, and signs out', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      const ada = await addLocalUser(api.app.database, 'ada', 'correct horse');
      const wrong = await request(api.app, 'POST', '/api/auth/login', {
        payload: { username: 'ada', password: 'wrong horse' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ code: 'AUTH_LOGIN_FAILED' });
      expect(sessionCookieOf(wrong.headers)).toBeUndefined();
      const unknown = await request(api.app, 'POST', '/api/auth/login', {
        payload: { username: 'nobody', password: 'correct horse' },
      });
      expect(unknown.body).toMatchObject({
        code: 'AUTH_LOGIN_FAILED',
        message: (wrong.body as { message: string }).message,
      });

      const login = await request(api.app, 'POST', '/api/auth/login', {
        payload: { username: 'ada', password: 'correct horse' },
      });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ id: ada.id, username: 'ada', kind: 'password' });
      const setCookie = String(login.headers['set-cookie']);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).not.toMatch(/Secure/); // plain http
      const cookie = sessionCookieOf(login.headers) ?? '';

      const me = await request(api.app, 'GET', '/api/auth/me', { headers: { cookie } });
      expect(me.body).toMatchObject({ id: ada.id, username: 'ada' });
      const created = await request(api.app, 'POST', '/api/conversations', {
        payload: {},
        headers: { cookie, ...sameSite },
      });
      expect(created.status).toBe(200);

      // Another site cannot sign the user out either.
      const forged = await request(api.app, 'POST', '/api/auth/logout', {
        headers: { cookie, host, origin: 'https://evil.example' },
      });
      expect(forged.status).toBe(403);
      expect((await request(api.app, 'GET', '/api/auth/me', { headers: { cookie } })).status).toBe(
        200,
      );
      const logout = await request(api.app, 'POST', '/api/auth/logout', {
        headers: { cookie, ...sameSite },
      });
      expect(logout.status).toBe(204);
      expect(String(logout.headers['set-cookie'])).toMatch(/parley_session=;/);
      const after = await request(api.app, 'GET', '/api/auth/me', { headers: { cookie } });
      expect(after.status).toBe(401);
    });

    it('marks the cookie Secure when the public URL is https', async () => {
      api = await createTestApi(backend, {
        agentLoops: 'log-only',
        env: { ...accountsEnvironment, PARLEY_PUBLIC_URL: 'https://parley.example' },
      });
      await addLocalUser(api.app.database, 'ada', 'correct horse');
      const login = await request(api.app, 'POST', '/api/auth/login', {
        payload: { username: 'ada', password: 'correct horse' },
      });
      expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
    });

    it('refuses a session that expired, and one whose row was revoked elsewhere', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      await addLocalUser(api.app.database, 'ada', 'correct horse');
      const cookie = await signIn(api.app, 'ada', 'correct horse');
      const kysely = api.app.database.kysely;
      const idHash = hashSecretToken(cookie.slice('parley_session='.length));
      await kysely
        .updateTable('auth_sessions')
        .set({ idle_expires_at: '2000-01-01T00:00:00.000Z' })
        .where('id_hash', '=', idHash)
        .execute();
      const expired = await request(api.app, 'GET', '/api/auth/me', { headers: { cookie } });
      expect(expired.status).toBe(401);
      expect(expired.body).toMatchObject({ code: 'AUTH_REQUIRED' });

      const second = await signIn(api.app, 'ada', 'correct horse');
      expect(
        (await request(api.app, 'GET', '/api/auth/me', { headers: { cookie: second } })).status,
      ).toBe(200);
      // Another process signed this session out: the database is the authority.
      await kysely
        .updateTable('auth_sessions')
        .set({ revoked_at: new Date().toISOString() })
        .execute();
      expect(
        (await request(api.app, 'GET', '/api/auth/me', { headers: { cookie: second } })).status,
      ).toBe(401);
    });

    it('refuses cookie-authenticated writes from another site, and changes nothing', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      await addLocalUser(api.app.database, 'ada', 'correct horse');
      const cookie = await signIn(api.app, 'ada', 'correct horse');
      const fromElsewhere: Record<string, string>[] = [
        { host, origin: 'https://evil.example' },
        { host, origin: 'null' },
        { host, 'sec-fetch-site': 'cross-site' },
        { host, 'sec-fetch-site': 'same-site' },
      ];
      for (const headers of fromElsewhere) {
        const response = await request(api.app, 'POST', '/api/conversations', {
          payload: {},
          headers: { cookie, ...headers },
        });
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ code: 'AUTH_ORIGIN_REFUSED' });
      }
      expect(await conversationCount(api)).toBe(0);
      // Reads are not refused by the origin check (CORS decides what another site may read).
      const read = await request(api.app, 'GET', '/api/conversations', {
        headers: { cookie, host, origin: 'https://evil.example' },
      });
      expect(read.status).toBe(200);
      // The same request from Parley's own page, or from a client sending neither header, passes.
      const fromHere: Record<string, string>[] = [
        sameSite,
        { host, 'sec-fetch-site': 'same-origin' },
        { host },
      ];
      for (const headers of fromHere) {
        const response = await request(api.app, 'POST', '/api/conversations', {
          payload: {},
          headers: { cookie, ...headers },
        });
        expect(response.status).toBe(200);
      }
    });

    it('lets no other localhost origin read with credentials (CORS), unlike without accounts', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      const probe = await request(api.app, 'GET', '/api/auth/options', {
        headers: { origin: 'http://localhost:9999' },
      });
      expect(probe.headers['access-control-allow-origin']).toBeUndefined();
      const single = await api.restart({ agentLoops: 'log-only' });
      const allowed = await request(single, 'GET', '/api/auth/options', {
        headers: { origin: 'http://localhost:9999' },
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:9999');
    });

    it('trusts an origin listed in PERMITTED_CORS_ORIGINS for cookie writes', async () => {
      api = await createTestApi(backend, {
        agentLoops: 'log-only',
        env: { ...accountsEnvironment, PERMITTED_CORS_ORIGINS: 'https://ui.example' },
      });
      await addLocalUser(api.app.database, 'ada', 'correct horse');
      const cookie = await signIn(api.app, 'ada', 'correct horse');
      const response = await request(api.app, 'POST', '/api/conversations', {
        payload: {},
        headers: { cookie, host, origin: 'https://ui.example' },
      });
      expect(response.status).toBe(200);
    });

    it('locks an account after five wrong passwords, even for the right one, with Retry-After', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      await addLocalUser(api.app.database, 'ada', 'correct horse');
      await addLocalUser(api.app.database, 'bob', 'battery staple');
      const login = (username: string, password: string, remoteAddress = '10.0.0.1') =>
        api!.app.http.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username, password },
          remoteAddress,
        });
      for (let attempt = 0; attempt < 5; attempt++) {
        expect((await login('ada', 'guess')).statusCode).toBe(401);
      }
      const locked = await login('ada', 'correct horse');
      expect(locked.statusCode).toBe(429);
      expect(locked.json()).toMatchObject({ code: 'AUTH_LOGIN_LOCKED' });
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(sessionCookieOf(locked.headers)).toBeUndefined();
      // From another address too: the account is what is locked.
      expect((await login('ada', 'correct horse', '10.0.0.2')).statusCode).toBe(429);
      // Other accounts are not.
      expect((await login('bob', 'battery staple')).statusCode).toBe(200);
    });

    it('locks an address after twenty failures across accounts', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      await addLocalUser(api.app.database, 'ada', 'correct horse');
      const login = (username: string, password: string, remoteAddress: string) =>
        api!.app.http.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username, password },
          remoteAddress,
        });
      for (let attempt = 0; attempt < 20; attempt++) {
        expect((await login(`user${attempt}`, 'guess', '10.0.0.66')).statusCode).toBe(401);
      }
      const locked = await login('ada', 'correct horse', '10.0.0.66');
      expect(locked.statusCode).toBe(429);
      expect(locked.json()).toMatchObject({ code: 'AUTH_LOGIN_LOCKED' });
      expect((await login('ada', 'correct horse', '10.0.0.7')).statusCode).toBe(200);
    });

    it('keeps sign-up closed by default, and open sign-up creates an account once', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      const closed = await request(api.app, 'POST', '/api/auth/signup', {
        payload: { username: 'eve', password: 'long enough' },
      });
      expect(closed.status).toBe(403);
      expect(closed.body).toMatchObject({ code: 'AUTH_SIGNUP_CLOSED' });
      const open = await api.restart({
        agentLoops: 'log-only',
        env: { ...accountsEnvironment, PARLEY_OPEN_SIGNUP: 'true' },
      });
      const short = await request(open, 'POST', '/api/auth/signup', {
        payload: { username: 'eve', password: 'short' },
      });
      expect(short.body).toMatchObject({ code: 'USER_INPUT_INVALID' });
      const created = await request(open, 'POST', '/api/auth/signup', {
        payload: { username: 'eve', password: 'long enough' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username: 'eve', kind: 'password' });
      expect(sessionCookieOf(created.headers)).toBeDefined();
      const again = await request(open, 'POST', '/api/auth/signup', {
        payload: { username: 'eve', password: 'another one' },
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'USER_ALREADY_EXISTS' });
    });

    it('makes personal API tokens: shown once, used as Bearer, revoked for good', async () => {
      api = await createTestApi(backend, { agentLoops: 'log-only', env: accountsEnvironment });
      await addLocalUser(api.app.database, 'ada', 'correct horse');
      await addLocalUser(api.app.database, 'bob', 'battery staple');
      const ada = await signIn(api.app, 'ada', 'correct horse');
      const bob = await signIn(api.app, 'bob', 'battery staple');
      const created = await request(api.app, 'POST', '/api/auth/tokens', {
        payload: { name: 'script' },
        headers: { cookie: ada, ...sameSite },
      });
      expect(created.status).toBe(201);
      const { id, token } = created.body as { id: string; token: string };
      const listed = await request(api.app, 'GET', '/api/auth/tokens', {
        headers: { cookie: ada },
      });
      expect(listed.body).toEqual({
        tokens: [{ id, name: 'script', created_at: expect.any(String), last_used_at: null }],
      });
      expect(listed.text).not.toContain(token);
      const bearer = { authorization: `Bearer ${token}` };
      // A token needs no origin check: browsers never attach it on their own.
      const made = await request(api.app, 'POST', '/api/conversations', {
        payload: {},
        headers: { ...bearer, origin: 'https://elsewhere.example' },
      });
      expect(made.status).toBe(200);
      const mine = await request(api.app, 'GET', '/api/conversations', {
        headers: { cookie: ada },
      });
      expect((mine.body as { results: unknown[] }).results).toHaveLength(1);
      const bobs = await request(api.app, 'GET', '/api/conversations', {
        headers: { cookie: bob },
      });
      expect((bobs.body as { results: unknown[] }).results).toHaveLength(0);
      // Bob cannot revoke Ada's token: it answers as a missing one.
      const foreign = await request(api.app, 'DELETE', `/api/auth/tokens/${id}`, {
        headers: { cookie: bob, ...sameSite },
      });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ code: 'API_TOKEN_NOT_FOUND' });
      expect((await request(api.app, 'GET', '/api/auth/me', { headers: bearer })).status).toBe(200);
      const revoked = await request(api.app, 'DELETE', `/api/auth/tokens/${id}`, {
        headers: { cookie: ada, ...sameSite },
      });
      expect(revoked.status).toBe(204);
      const after = await request(api.app, 'GET', '/api/auth/me', { headers: bearer });
      expect(after.status).toBe(401);
      expect(after.body).toMatchObject({ code: 'AUTH_REQUIRED' });
      const malformed = await request(api.app, 'GET', '/api/auth/me', {
        headers: { authorization: 'Basic YWRhOng=' },
      });
      expect(malformed.status).toBe(401);
    });
  });
}
