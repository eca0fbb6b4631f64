/**
 * Two Parley processes over one PostgreSQL database (SQLite serves one process: a second one on
 * the same data directory refuses to start): a session made on one is accepted by the other, a
 * token revoked on one stops working on the other, and failed sign-ins on both count towards one
 * lockout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addLocalUser } from '../../support/accounts.js';
import { runMain, waitForOutput, type RunningProcess } from '../../support/main-process.js';
import { testDatabaseBackends, type TestDatabase } from '../../support/test-databases.js';

const backends = (await testDatabaseBackends()).filter((backend) => backend.name === 'postgres');

for (const backend of backends) {
  describe.skipIf(!backend.available)(`accounts across two processes on ${backend.name}`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('shares sessions, token revocation and the lockout', async () => {
      const testDatabase: TestDatabase = await backend.create();
      cleanups.push(() => testDatabase.cleanup());
      await addLocalUser(testDatabase.database, 'ada', 'correct horse');
      // Each process has its own data directory; both share the database.
      const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-two-processes-'));
      cleanups.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
      const start = async (): Promise<{ running: RunningProcess; url: string }> => {
        const running = runMain({
          PORT: '0',
          PARLEY_DATA_DIR: dataDirectory,
          PARLEY_AUTH: 'accounts',
          PARLEY_RATE_LIMIT_PER_SECOND: '0',
          LOG_LEVEL: 'silent',
          DATABASE_URL: testDatabase.location,
        });
        cleanups.push(async () => {
          running.child.kill('SIGTERM');
          await running.exited;
        });
        const [, url] = await waitForOutput(running, /Parley is serving (http:\/\/\S+)/);
        return { running, url: url ?? '' };
      };
      const [first, second] = [await start(), await start()];
      const login = (url: string, password: string) =>
        fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'ada', password }),
        });

      const signedIn = await login(first.url, 'correct horse');
      const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toMatch(/^parley_session=ps_/);
      const meOnSecond = await fetch(`${second.url}/api/auth/me`, { headers: { cookie } });
      expect(meOnSecond.status).toBe(200);
      expect(await meOnSecond.json()).toMatchObject({ username: 'ada' });

      const created = await fetch(`${second.url}/api/auth/tokens`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: second.url },
        body: JSON.stringify({ name: 'both' }),
      });
      const { id, token } = (await created.json()) as { id: string; token: string };
      const bearer = { authorization: `Bearer ${token}` };
      expect((await fetch(`${first.url}/api/conversations`, { headers: bearer })).status).toBe(200);
      const revoked = await fetch(`${first.url}/api/auth/tokens/${id}`, {
        method: 'DELETE',
        headers: { cookie, origin: first.url },
      });
      expect(revoked.status).toBe(204);
      expect((await fetch(`${second.url}/api/conversations`, { headers: bearer })).status).toBe(
        401,
      );

      // Five failures, spread over both processes, lock the account on both.
      for (const url of [first.url, second.url, first.url, second.url, first.url]) {
        expect((await login(url, 'wrong horse')).status).toBe(401);
      }
      const locked = await login(second.url, 'correct horse');
      expect(locked.status).toBe(429);
      expect(await locked.json()).toMatchObject({ code: 'AUTH_LOGIN_LOCKED' });

      // Signing out on one process ends the session on the other.
      const signOut = await fetch(`${second.url}/api/auth/logout`, {
        method: 'POST',
        headers: { cookie, origin: second.url },
      });
      expect(signOut.status).toBe(204);
      expect((await fetch(`${first.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
    });
  });
}
