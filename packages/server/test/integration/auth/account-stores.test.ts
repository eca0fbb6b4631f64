import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../../src/auth/secret-token.js';
import { SqlApiTokenStore } from '../../../src/auth/sql-api-token-store.js';
import { LoginLockedError, SqlLoginLimiter } from '../../../src/auth/sql-login-limiter.js';
import { SqlSessionStore } from '../../../src/auth/sql-session-store.js';
import { SqlUserStore } from '../../../src/auth/sql-user-store.js';
import { testDatabaseBackends, type TestDatabase } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

const minute = 60_000;
const lifetimes = { idleMs: 30 * minute, absoluteMs: 120 * minute };

for (const backend of backends) {
  describe.skipIf(!backend.available)(`account stores on ${backend.name}`, () => {
    let testDatabase: TestDatabase;
    let now: Date;
    const clock = () => now;
    let users: SqlUserStore;

    beforeEach(async () => {
      testDatabase = await backend.create();
      now = new Date('2026-03-01T10:00:00.000Z');
      users = new SqlUserStore({ database: testDatabase.database, now: clock });
    });
    afterEach(async () => {
      await testDatabase.cleanup();
    });

    const advance = (ms: number) => {
      now = new Date(now.getTime() + ms);
    };

    it('creates local users by unique name and refuses a taken one without writing', async () => {
      const ada = await users.createLocal({ username: 'ada', passwordHash: 'hash-1' });
      expect(ada).toMatchObject({ username: 'ada', name: 'ada', issuer: null });
      await expect(
        users.createLocal({ username: 'ada', passwordHash: 'hash-2' }),
      ).rejects.toMatchObject({ code: 'USER_ALREADY_EXISTS' });
      expect(await users.findLocal('ada')).toEqual({ user: ada, passwordHash: 'hash-1' });
      expect(await users.findLocal('bob')).toBeUndefined();
      expect(await users.setPasswordHash('ada', 'hash-3')).toBe(true);
      expect(await users.setPasswordHash('bob', 'hash-3')).toBe(false);
      expect((await users.findLocal('ada'))?.passwordHash).toBe('hash-3');
    });

    it('keeps one user per issuer and subject, following the latest claims', async () => {
      const identity = { issuer: 'https://id.example', subject: 's-1', name: 'Ada', email: 'a@x' };
      const first = await users.upsertFromProvider(identity);
      const again = await users.upsertFromProvider({ ...identity, name: 'Ada L', email: null });
      const other = await users.upsertFromProvider({
        ...identity,
        issuer: 'https://other.example',
      });
      expect(again.id).toBe(first.id);
      expect(other.id).not.toBe(first.id);
      expect(await users.findById(first.id)).toMatchObject({ name: 'Ada L', email: null });
    });

    it('resolves a session until it idles out, and use keeps it alive', async () => {
      const ada = await users.createLocal({ username: 'ada', passwordHash: 'h' });
      const sessions = new SqlSessionStore({
        database: testDatabase.database,
        lifetimes,
        now: clock,
      });
      const { sessionId } = await sessions.create(ada.id);
      const stored = await testDatabase.database.kysely
        .selectFrom('auth_sessions')
        .selectAll()
        .execute();
      // Only the hash is stored.
      expect(stored.map((row) => row.id_hash)).toEqual([hashSecretToken(sessionId)]);
      advance(29 * minute);
      expect(await sessions.resolve(sessionId)).toMatchObject({ userId: ada.id });
      advance(29 * minute); // 58 minutes after sign-in, 29 after the last use
      expect(await sessions.resolve(sessionId)).toMatchObject({ userId: ada.id });
      advance(30 * minute); // idle for 30 minutes
      expect(await sessions.resolve(sessionId)).toBeUndefined();
      expect(await sessions.resolve('ps_unknown')).toBeUndefined();
    });

    it('ends a session at its absolute expiry however much it is used', async () => {
      const ada = await users.createLocal({ username: 'ada', passwordHash: 'h' });
      const sessions = new SqlSessionStore({
        database: testDatabase.database,
        lifetimes,
        now: clock,
      });
      const { sessionId } = await sessions.create(ada.id);
      for (let step = 0; step < 7; step++) {
        advance(17 * minute);
        expect(await sessions.resolve(sessionId)).toBeDefined();
      }
      advance(1 * minute); // 120 minutes after sign-in
      expect(await sessions.resolve(sessionId)).toBeUndefined();
    });

    it('revokes one session, or every session of a user', async () => {
      const ada = await users.createLocal({ username: 'ada', passwordHash: 'h' });
      const bob = await users.createLocal({ username: 'bob', passwordHash: 'h' });
      const sessions = new SqlSessionStore({
        database: testDatabase.database,
        lifetimes,
        now: clock,
      });
      const first = await sessions.create(ada.id);
      const second = await sessions.create(ada.id);
      const bobs = await sessions.create(bob.id);
      expect(await sessions.revoke(first.sessionId)).toBe(ada.id);
      expect(await sessions.revoke(first.sessionId)).toBeUndefined();
      expect(await sessions.resolve(first.sessionId)).toBeUndefined();
      expect(await sessions.resolve(second.sessionId)).toBeDefined();
      expect(await sessions.revokeAllOf(ada.id)).toBe(1);
      expect(await sessions.resolve(second.sessionId)).toBeUndefined();
      expect(await sessions.resolve(bobs.sessionId)).toMatchObject({ userId: bob.id });
    });

    it('creates, lists, resolves and revokes API tokens, never listing or storing the secret', async () => {
      const ada = await users.createLocal({ username: 'ada', passwordHash: 'h' });
      const bob = await users.createLocal({ username: 'bob', passwordHash: 'h' });
      const tokens = new SqlApiTokenStore({ database: testDatabase.database, now: clock });
      const created = await tokens.create(ada.id, 'laptop');
      expect(created.token).toMatch(/^pat_[A-Za-z0-9_-]{43}$/);
      const rows = await testDatabase.database.kysely
        .selectFrom('api_tokens')
        .selectAll()
        .execute();
      expect(JSON.stringify(rows)).not.toContain(created.token);
      expect(await tokens.resolve(created.token)).toBe(ada.id);
      expect(await tokens.list(ada.id)).toEqual([
        {
          id: created.id,
          name: 'laptop',
          createdAt: now.toISOString(),
          lastUsedAt: now.toISOString(),
        },
      ]);
      expect(await tokens.list(bob.id)).toEqual([]);
      // Another user's id answers as a missing one and changes nothing.
      await expect(tokens.revoke(bob.id, created.id)).rejects.toMatchObject({
        code: 'API_TOKEN_NOT_FOUND',
      });
      expect(await tokens.resolve(created.token)).toBe(ada.id);
      await tokens.revoke(ada.id, created.id);
      expect(await tokens.resolve(created.token)).toBeUndefined();
      expect(await tokens.list(ada.id)).toEqual([]);
      await expect(tokens.revoke(ada.id, created.id)).rejects.toMatchObject({
        code: 'API_TOKEN_NOT_FOUND',
      });
    });

    it('locks an account after its failures, per address after more, until the window ends', async () => {
      const limits = { perAccount: 3, perAddress: 5, windowMs: 10 * minute };
      const limiter = new SqlLoginLimiter({ database: testDatabase.database, limits, now: clock });
      await limiter.checkNotLocked('ada', '10.0.0.1');
      for (let failure = 0; failure < 3; failure++) await limiter.recordFailure('Ada', '10.0.0.1');
      const locked = await limiter
        .checkNotLocked('ada', '10.0.0.9')
        .catch((error: unknown) => error);
      expect(locked).toBeInstanceOf(LoginLockedError);
      expect(locked).toMatchObject({ code: 'AUTH_LOGIN_LOCKED', retryAfterSeconds: 600 });
      // Another account from the same address is not locked yet …
      await limiter.checkNotLocked('bob', '10.0.0.1');
      await limiter.recordFailure('bob', '10.0.0.1');
      await limiter.recordFailure('carol', '10.0.0.1');
      // … until the address reaches its own limit (5 failures from it in the window).
      await expect(limiter.checkNotLocked('dave', '10.0.0.1')).rejects.toMatchObject({
        code: 'AUTH_LOGIN_LOCKED',
      });
      await limiter.checkNotLocked('dave', '10.0.0.2');
      advance(10 * minute);
      await limiter.checkNotLocked('ada', '10.0.0.1');
      // The window started over: one more failure does not lock again.
      await limiter.recordFailure('ada', '10.0.0.1');
      await limiter.checkNotLocked('ada', '10.0.0.1');
    });

    it('clears an account count on success, so failures must be consecutive to lock', async () => {
      const limits = { perAccount: 3, perAddress: 100, windowMs: 10 * minute };
      const limiter = new SqlLoginLimiter({ database: testDatabase.database, limits, now: clock });
      await limiter.recordFailure('ada', '10.0.0.1');
      await limiter.recordFailure('ada', '10.0.0.1');
      await limiter.recordSuccess('ada');
      await limiter.recordFailure('ada', '10.0.0.1');
      await limiter.recordFailure('ada', '10.0.0.1');
      await limiter.checkNotLocked('ada', '10.0.0.1');
      await limiter.recordFailure('ada', '10.0.0.1');
      await expect(limiter.checkNotLocked('ada', '10.0.0.1')).rejects.toMatchObject({
        code: 'AUTH_LOGIN_LOCKED',
      });
    });
  });
}
