/**
 * The web client with accounts on: the sign-in page, a conversation over the cookie-authenticated
 * REST calls and V1 socket, the API-token screen, and sign-out, in Chromium.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addLocalUser } from '../support/accounts.js';
import { startBrowserApp, type BrowserApp } from './support/browser-app.js';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { textOf } from './support/page-probes.js';

const poll = { timeout: 30_000, interval: 50 };

describe.skipIf(!chromiumAvailable())('the web client with accounts', { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: BrowserApp;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [browser, server] = await Promise.all([
      launchChromium(),
      startBrowserApp({
        model: 'demo',
        env: { PARLEY_AUTH: 'accounts', PARLEY_DEMO_TOKEN_DELAY_MS: '5' },
      }),
    ]);
    await addLocalUser(server.app.database, 'ada', 'correct horse');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
  });
  afterEach(async () => context?.close());

  const signIn = async (password: string) => {
    const form = page.getByTestId('sign-in-form');
    await form.locator('input[name="username"]').fill('ada');
    await form.locator('input[name="password"]').fill(password);
    await form.locator('button[type="submit"]').click();
  };

  it('signs in, talks to the agent over the cookie session, and signs out', async () => {
    await page.goto('/');
    await page.getByTestId('sign-in-form').waitFor({ timeout: poll.timeout });
    expect(await page.getByTestId('new-conversation-input').count()).toBe(0);

    await signIn('wrong horse');
    await expect
      .poll(() => textOf(page, 'error-banner'), poll)
      .toContain('Wrong user name or password');
    await signIn('correct horse');
    await page.getByTestId('user-menu').waitFor({ timeout: poll.timeout });
    expect(await textOf(page, 'user-menu')).toContain('ada');

    await page.getByTestId('new-conversation-input').fill('Hello with a session');
    await page.getByTestId('new-conversation-submit').click();
    await page.waitForURL(/\/conversations\/[^/?#]+$/, { timeout: poll.timeout });
    // The demo model's answer arrives over the V1 socket, admitted by the session cookie.
    await expect.poll(() => textOf(page, 'event-list'), poll).toContain('offline demo model');

    await page.getByTestId('user-menu').getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('sign-in-form').waitFor({ timeout: poll.timeout });
    expect((await context.request.get('/api/auth/me')).status()).toBe(401);
    // A reload stays signed out: the cookie's session was ended on the server.
    await page.reload();
    await page.getByTestId('sign-in-form').waitFor({ timeout: poll.timeout });
  });

  it('creates an API token shown once, lists it, and revokes it', async () => {
    await page.goto('/settings');
    await signIn('correct horse');
    const tokens = page.getByTestId('api-tokens');
    await tokens.waitFor({ timeout: poll.timeout });
    await tokens.locator('input').fill('laptop script');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('new-api-token').locator('code');
    await shown.waitFor({ timeout: poll.timeout });
    const token = (await shown.textContent()) ?? '';
    expect(token).toMatch(/^pat_/);
    await expect.poll(() => page.getByTestId('api-token').count(), poll).toBe(1);
    // The single-user session key form is not offered with accounts.
    expect(await page.getByText('Session API key').count()).toBe(0);

    const bearer = { authorization: `Bearer ${token}` };
    const fresh = await browser.newContext({ baseURL: server.url });
    try {
      expect((await fresh.request.get('/api/conversations', { headers: bearer })).status()).toBe(
        200,
      );
      await tokens.getByRole('button', { name: 'Revoke laptop script' }).click();
      await expect.poll(() => page.getByTestId('api-token').count(), poll).toBe(0);
      expect(await page.getByTestId('new-api-token').count()).toBe(0);
      expect((await fresh.request.get('/api/conversations', { headers: bearer })).status()).toBe(
        401,
      );
    } finally {
      await fresh.close();
    }
  });
});
