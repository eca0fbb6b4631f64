/**
 * The product as `npm start` gives it, with no LLM configured: the offline demo model answers and
 * the page says so. Also the settings page, saved to and read back from the real server.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBrowserApp, type BrowserApp } from './support/browser-app.js';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { textOf } from './support/page-probes.js';

const poll = { timeout: 30_000, interval: 50 };

describe.skipIf(!chromiumAvailable())(
  'the web client with the demo model',
  { timeout: 120_000 },
  () => {
    let browser: Browser;
    let server: BrowserApp;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      [browser, server] = await Promise.all([
        launchChromium(),
        startBrowserApp({ model: 'demo', env: { PARLEY_DEMO_TOKEN_DELAY_MS: '5' } }),
      ]);
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    beforeEach(async () => {
      context = await browser.newContext({ baseURL: server.url });
      page = await context.newPage();
    });

    afterEach(async () => {
      await context?.close();
    });

    it('labels the offline demo model while it answers', async () => {
      await page.goto('/');
      await page.getByTestId('new-conversation-input').fill('Hello, demo');
      await page.getByTestId('new-conversation-submit').click();
      await page.waitForURL(/\/conversations\/[^/?#]+$/, { timeout: poll.timeout });

      await expect.poll(() => textOf(page, 'event-list'), poll).toContain('offline demo model');
      await expect.poll(() => page.getByTestId('offline-demo-label').count(), poll).toBe(1);
      expect(await page.getByTestId('offline-demo-label').isVisible()).toBe(true);
      expect(await page.getByTestId('error-banner').count()).toBe(0);
    });

    it('saves settings from the page; the API key is write-only', async () => {
      const secretKey = 'sk-e2e-write-only-9b1d';
      await page.goto('/settings');
      const form = page.getByTestId('settings-form');
      await form.waitFor({ timeout: poll.timeout });
      await form.locator('input[name="llm_model"]').fill('openai/gpt-4o-mini');
      await form.locator('input[name="llm_api_key"]').fill(secretKey);
      await form.locator('button[type="submit"]').click();
      await expect.poll(() => textOf(page, 'api-key-status'), poll).toBe('set');

      const stored = (await (await fetch(`${server.directUrl}/api/settings`)).json()) as Record<
        string,
        unknown
      >;
      expect(stored['llm_model']).toBe('openai/gpt-4o-mini');
      expect(stored['llm_api_key_set']).toBe(true);
      expect(JSON.stringify(stored)).not.toContain(secretKey);

      // A reload (client-side route served as index.html) shows what was stored, never the key.
      await page.reload();
      await expect
        .poll(() => form.locator('input[name="llm_model"]').inputValue(), poll)
        .toBe('openai/gpt-4o-mini');
      expect(await textOf(page, 'api-key-status')).toBe('set');
      expect(await form.locator('input[name="llm_api_key"]').inputValue()).toBe('');
      expect(await page.content()).not.toContain(secretKey);
      expect(await page.getByTestId('error-banner').count()).toBe(0);
    });
  },
);
