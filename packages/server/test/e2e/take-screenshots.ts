/**
 * Screenshots of the main screens for the README, taken with the browser-test harness against
 * the offline demo model: `npm run screenshots` (scripts/screenshots.mjs runs this file with tsx).
 * Writes docs/screenshots/*.png; the test run never does.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startMcpHttpServer } from '../support/mcp/mcp-http-server.js';
import { startBrowserApp, type BrowserApp } from './support/browser-app.js';
import { chromiumPath, launchChromium } from './support/chromium.js';
import { textOf } from './support/page-probes.js';
import { repositoryRoot } from './support/web-client-build.js';

const outputDirectory = join(repositoryRoot, 'docs/screenshots');
const wide = { width: 1280, height: 800 };
const narrow = { width: 390, height: 844 };
const timeout = 30_000;

/** Earlier conversations, so the list has something to show. */
const earlierQuestions = [
  'What does Parley keep when the server crashes?',
  'Summarise the reconnect rules',
  'Draft release notes for 0.1',
];

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The demo model's reply is in the event list and no partial text is left over. */
async function untilAnswered(page: Page): Promise<void> {
  await until(
    async () =>
      (await textOf(page, 'event-list')).includes('offline demo model') &&
      (await textOf(page, 'assistant-partial')).trim() === '',
    'the demo reply',
  );
}

async function createConversation(server: BrowserApp, message: string): Promise<string> {
  const response = await fetch(`${server.directUrl}/api/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ initial_user_msg: message }),
  });
  if (!response.ok) throw new Error(`creating a conversation failed: ${response.status}`);
  return ((await response.json()) as { conversation_id: string }).conversation_id;
}

async function shoot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  // Let fonts and the last layout settle before the picture.
  await page.evaluate('document.fonts.ready');
  const path = join(outputDirectory, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide', ...options });
  console.log(`wrote ${path}`);
}

async function main(): Promise<void> {
  mkdirSync(outputDirectory, { recursive: true });
  console.log(`Chromium: ${chromiumPath}`);
  let browser: Browser | undefined;
  let server: BrowserApp | undefined;
  try {
    [browser, server] = await Promise.all([
      launchChromium(),
      startBrowserApp({ model: 'demo', env: { PARLEY_DEMO_TOKEN_DELAY_MS: '5' } }),
    ]);
    for (const question of earlierQuestions) await createConversation(server, question);

    const context = await browser.newContext({
      baseURL: server.url,
      viewport: wide,
      colorScheme: 'light',
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);

    await page.goto('/');
    await page.getByTestId('new-conversation-input').fill('Hello! What can you do?');
    await page.getByTestId('new-conversation-submit').click();
    await page.waitForURL(/\/conversations\/[^/?#]+$/);
    await untilAnswered(page);
    const conversationPath = new URL(page.url()).pathname;
    await shoot(page, 'conversation');

    await page.goto('/');
    await until(
      async () => (await page.locator('[data-testid="conversation-list"] li').count()) >= 4,
      'the conversation list',
    );
    await shoot(page, 'conversation-list');

    await page.goto('/settings');
    await page.getByTestId('settings-form').waitFor();
    await shoot(page, 'settings');

    await page.setViewportSize(narrow);
    await page.goto(conversationPath);
    await untilAnswered(page);
    // The view follows the end of the conversation; the picture shows the whole page from the top.
    await page.evaluate('window.scrollTo(0, 0)');
    await shoot(page, 'narrow-conversation', { fullPage: true });
    await context.close();

    await shootToolCards(browser, server);
  } finally {
    await browser?.close();
    await server?.close();
  }
}

/** The agent's turn is over: the badge says idle and no partial reply is left. */
async function untilIdle(page: Page): Promise<void> {
  await until(
    async () =>
      (await page.getByTestId('agent-state').getAttribute('data-state')) === 'idle' &&
      (await textOf(page, 'assistant-partial')).trim() === '',
    'the end of the turn',
  );
}

/** Waits until the `index`th tool card of the page is in `state`. */
async function untilCard(page: Page, index: number, state: string): Promise<void> {
  await until(
    async () =>
      (await page
        .getByTestId('tool-card')
        .nth(index)
        .getAttribute('data-state')
        .catch(() => null)) === state,
    `tool card ${index} ${state}`,
  );
}

async function saveSettings(server: BrowserApp, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.directUrl}/api/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ llm_model: 'demo', ...fields }),
  });
  if (!response.ok) throw new Error(`saving settings failed: ${response.status}`);
}

/** The demo's tool shortcuts and an MCP call as cards, and a command waiting for confirmation. */
async function shootToolCards(browser: Browser, server: BrowserApp): Promise<void> {
  const mcp = await startMcpHttpServer();
  const noMcpServers = { sse_servers: [], stdio_servers: [], shttp_servers: [] };
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: wide,
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  try {
    await saveSettings(server, { mcp_config: { ...noMcpServers, shttp_servers: [mcp.url] } });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    await shootToolCardConversation(page);
    await saveSettings(server, { confirmation_mode: true });
    await page.goto('/');
    await page.getByTestId('new-conversation-input').fill('/run rm -rf build');
    await page.getByTestId('new-conversation-submit').click();
    await page.waitForURL(/\/conversations\/[^/?#]+$/);
    await untilCard(page, 0, 'awaiting_confirmation');
    await until(
      async () => (await textOf(page, 'assistant-partial')).trim() === '',
      'no partial reply',
    );
    await shoot(page, 'confirmation');
  } finally {
    await saveSettings(server, { confirmation_mode: false, mcp_config: noMcpServers });
    await context.close();
    await mcp.close();
  }
}

/** One conversation with every kind of card: a created and an edited file, a command, an MCP call. */
async function shootToolCardConversation(page: Page): Promise<void> {
  const send = async (message: string) => {
    await page.getByTestId('message-input').fill(message);
    await page.getByTestId('send-button').click();
  };
  await page.goto('/');
  await page.getByTestId('new-conversation-input').fill('/create notes.txt hello world');
  await page.getByTestId('new-conversation-submit').click();
  await page.waitForURL(/\/conversations\/[^/?#]+$/);
  await untilCard(page, 0, 'succeeded');
  await untilIdle(page);
  const shortcuts = ['/edit notes.txt hello => goodbye', '/run echo hello && ls -la'];
  for (const [index, message] of [...shortcuts, '/tool add {"a": 2, "b": 3}'].entries()) {
    await send(message);
    await untilCard(page, index + 1, 'succeeded');
    await untilIdle(page);
  }
  // The whole page in one picture: a viewport as tall as the page, so the sticky header and
  // composer sit where a reader sees them (a full-page capture paints them mid-page).
  const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
  await page.setViewportSize({ width: wide.width, height });
  await page.evaluate('window.scrollTo(0, 0)');
  await shoot(page, 'tool-cards');
  await page.setViewportSize(wide);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
