/**
 * OpenID Connect sign-in end to end: a real provider (oidc-provider) on a free port, Parley
 * configured against it, and Chromium going through the provider's login and consent pages.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashSecretToken } from '../../src/auth/secret-token.js';
import { createTestApi, type TestApi } from '../support/test-api.js';
import { createSqliteDatabase } from '../support/test-databases.js';
import {
  freePort,
  startTestOidcProvider,
  type TestOidcProvider,
} from '../support/test-oidc-provider.js';
import { chromiumAvailable, launchChromium } from './support/chromium.js';

const sqlite = { name: 'sqlite' as const, available: true, create: createSqliteDatabase };
const people = { ada: { name: 'Ada Lovelace', email: 'ada@example.org' } };

describe.skipIf(!chromiumAvailable())(
  'OpenID Connect sign-in in Chromium',
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let provider: TestOidcProvider;
    let api: TestApi;
    let parleyUrl: string;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      const port = await freePort();
      parleyUrl = `http://127.0.0.1:${port}`;
      provider = await startTestOidcProvider({
        redirectUri: `${parleyUrl}/api/auth/oidc/callback`,
        people,
      });
      api = await createTestApi(sqlite, {
        agentLoops: 'log-only',
        env: {
          PORT: String(port),
          PARLEY_PUBLIC_URL: parleyUrl,
          OIDC_ISSUER: provider.issuer,
          OIDC_CLIENT_ID: provider.clientId,
          OIDC_CLIENT_SECRET: provider.clientSecret,
        },
      });
      await api.app.listen();
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await api?.cleanup();
      await provider?.close();
    });

    beforeEach(async () => {
      context = await browser.newContext({ baseURL: parleyUrl });
      page = await context.newPage();
    });
    afterEach(async () => context?.close());

    /** Through the provider's own pages: login (any password), then consent. */
    const signInAtProvider = async (login: string) => {
      await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/interaction/`));
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('any password');
      await page.locator('button[type="submit"]').first().click();
      await page.locator('button.login-submit', { hasText: 'Continue' }).click();
    };
    const me = () => context.request.get('/api/auth/me');

    it('signs in through the provider into a session cookie, and signs out', async () => {
      expect((await me()).status()).toBe(401);
      await page.goto('/api/auth/oidc/start');
      await signInAtProvider('ada');
      await page.waitForURL(`${parleyUrl}/`);
      const signedIn = await me();
      expect(signedIn.status()).toBe(200);
      expect(await signedIn.json()).toMatchObject({
        name: 'Ada Lovelace',
        email: 'ada@example.org',
        kind: 'oidc',
        username: null,
      });
      const cookies = await context.cookies(parleyUrl);
      const session = cookies.find((cookie) => cookie.name === 'parley_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      // The flow cookie was used once and cleared.
      expect(cookies.map((cookie) => cookie.name)).not.toContain('parley_oidc_flow');
      // The same person signing in again is the same user (issuer + subject).
      const users = await api.app.database.kysely.selectFrom('users').selectAll().execute();
      expect(users).toEqual([
        expect.objectContaining({ issuer: provider.issuer, subject: 'ada', name: 'Ada Lovelace' }),
      ]);

      const signOut = await page.evaluate(async () => {
        const response = await fetch('/api/auth/logout', { method: 'POST' });
        return response.status;
      });
      expect(signOut).toBe(204);
      expect((await me()).status()).toBe(401);
    });

    it('refuses an expired session', async () => {
      await page.goto('/api/auth/oidc/start');
      await signInAtProvider('ada');
      await page.waitForURL(`${parleyUrl}/`);
      expect((await me()).status()).toBe(200);
      const session = (await context.cookies(parleyUrl)).find((c) => c.name === 'parley_session');
      await api.app.database.kysely
        .updateTable('auth_sessions')
        .set({ absolute_expires_at: '2001-01-01T00:00:00.000Z' })
        .where('id_hash', '=', hashSecretToken(session?.value ?? ''))
        .execute();
      const expired = await me();
      expect(expired.status()).toBe(401);
      expect(await expired.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
    });

    /** Rewrites one value of the flow kept in the browser between start and callback. */
    const tamperWithFlow = async (field: 'state' | 'nonce', value: string) => {
      const flowCookie = (await context.cookies()).find((c) => c.name === 'parley_oidc_flow');
      if (flowCookie === undefined) throw new Error('no flow cookie after /api/auth/oidc/start');
      const flow = JSON.parse(Buffer.from(flowCookie.value, 'base64url').toString()) as object;
      const forged = Buffer.from(JSON.stringify({ ...flow, [field]: value })).toString('base64url');
      await context.addCookies([{ ...flowCookie, value: forged }]);
    };

    for (const field of ['state', 'nonce'] as const) {
      it(`refuses a callback whose ${field} is not the flow's, and starts no session`, async () => {
        await page.goto('/api/auth/oidc/start');
        await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/interaction/`));
        // The provider answers with the original state and puts the original nonce in the ID
        // token; the browser now holds forged ones.
        await tamperWithFlow(field, `forged-${field}`);
        await signInAtProvider('ada');
        await page.waitForURL((url) => url.pathname === '/api/auth/oidc/callback');
        const body = JSON.parse((await page.locator('body').textContent()) ?? '{}') as unknown;
        expect(body).toMatchObject({ code: 'AUTH_OIDC_FAILED' });
        expect(JSON.stringify(body)).toContain(field);
        const names = (await context.cookies()).map((cookie) => cookie.name);
        expect(names).not.toContain('parley_session');
        expect(names).not.toContain('parley_oidc_flow');
        expect((await me()).status()).toBe(401);
      });
    }

    it('refuses a callback with no sign-in under way in this browser', async () => {
      const response = await page.goto('/api/auth/oidc/callback?code=abc&state=xyz');
      expect(response?.status()).toBe(400);
      expect(await response?.json()).toMatchObject({ code: 'AUTH_OIDC_FAILED' });
    });
  },
);
