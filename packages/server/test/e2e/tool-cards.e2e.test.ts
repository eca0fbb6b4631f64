/**
 * Tool calls in the web client, in a real browser against the real server with the offline demo
 * model and the real sandbox: `/run` shows a command card whose output streams in, `/create` and
 * `/edit` show edit cards with their diffs, and in confirmation mode Confirm runs the command while
 * Reject shows the rejection. Every wait is on what the page shows; timeouts only bound a failure.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workspaceIdFor } from '../../src/conversations/conversation-workspace.js';
import { startMcpHttpServer } from '../support/mcp/mcp-http-server.js';
import { startBrowserApp, type BrowserApp } from './support/browser-app.js';
import { chromiumAvailable, launchChromium } from './support/chromium.js';

const poll = { timeout: 30_000, interval: 50 };
const conversationUrl = /\/conversations\/[^/?#]+$/;
const noMcpServers = { sse_servers: [], stdio_servers: [], shttp_servers: [] };

describe.skipIf(!chromiumAvailable())('tool cards in the web client', { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: BrowserApp;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [browser, server] = await Promise.all([
      launchChromium(),
      startBrowserApp({ model: 'demo', env: { PARLEY_DEMO_TOKEN_DELAY_MS: '2' } }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    await saveSettings({ confirmation_mode: false, mcp_config: noMcpServers });
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  async function saveSettings(fields: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${server.directUrl}/api/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ llm_model: 'demo', ...fields }),
    });
    expect(response.status).toBe(200);
  }

  /** Starts a conversation from the page with `message`; resolves with its id. */
  async function startConversation(message: string): Promise<string> {
    await page.goto('/');
    await page.getByTestId('new-conversation-input').fill(message);
    await page.getByTestId('new-conversation-submit').click();
    await page.waitForURL(conversationUrl, { timeout: poll.timeout });
    return decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  }

  async function sendMessage(message: string): Promise<void> {
    await page.getByTestId('message-input').fill(message);
    await page.getByTestId('send-button').click();
  }

  function card(index: number): Locator {
    return page.getByTestId('tool-card').nth(index);
  }

  function stateOfCard(index: number): Promise<string | null> {
    return card(index)
      .getAttribute('data-state', { timeout: poll.timeout })
      .catch(() => null);
  }

  async function textIn(scope: Locator, testId: string): Promise<string> {
    return (await scope.getByTestId(testId).textContent({ timeout: poll.timeout })) ?? '';
  }

  it('/run shows the command card with its output, exit code 0 and directory', async () => {
    await startConversation('/run echo first && echo second && ls -a');

    await expect.poll(() => stateOfCard(0), poll).toBe('succeeded');
    const command = card(0);
    expect(await command.getAttribute('data-tool')).toBe('command');
    expect(await textIn(command, 'command-line')).toBe('$echo first && echo second && ls -a');
    const output = await textIn(command, 'command-output');
    expect(output).toMatch(/^first\nsecond\n/);
    expect(await textIn(command, 'exit-code')).toBe('exit code 0');
    expect(await textIn(command, 'command-result')).toContain('in /workspace');
    expect(await page.getByTestId('error-banner').count()).toBe(0);
  });

  it('shows output while the command runs, and again after a reload mid-command, then the rest', async () => {
    // The command waits for a file the test creates, so "mid-command" lasts as long as needed.
    const id = await startConversation(
      '/run echo first; while [ ! -e /workspace/go ]; do sleep 0.1; done; echo second',
    );
    await expect.poll(() => textIn(card(0), 'command-output'), poll).toBe('first\n');
    expect(await stateOfCard(0)).toBe('running');
    await page.reload();
    await expect.poll(() => stateOfCard(0), poll).toBe('running');
    await expect.poll(() => textIn(card(0), 'command-output'), poll).toBe('first\n');

    writeFileSync(join(server.app.config.sandbox.workspaceRoot, workspaceIdFor(id), 'go'), '');
    await expect.poll(() => stateOfCard(0), poll).toBe('succeeded');
    expect(await textIn(card(0), 'command-output')).toBe('first\nsecond\n');
    expect(await page.getByTestId('tool-card').count()).toBe(1);
  });

  it('a failing command is marked failed with its exit code', async () => {
    await startConversation('/run ls /no/such/place');
    await expect.poll(() => stateOfCard(0), poll).toBe('failed');
    expect(await textIn(card(0), 'exit-code')).toBe('exit code 2');
    expect(await textIn(card(0), 'command-output')).toContain('No such file or directory');
  });

  it('/create and /edit show edit cards with their diffs; /view a folded read card', async () => {
    await startConversation('/create notes.txt hello world');
    await expect.poll(() => stateOfCard(0), poll).toBe('succeeded');
    expect(await card(0).getAttribute('data-tool')).toBe('edit');
    expect(await card(0).getByText('Created', { exact: false }).textContent()).toBe(
      'Created /workspace/notes.txt',
    );
    expect(await card(0).locator('.diff__line--added').allTextContents()).toEqual([
      '+hello world\n',
    ]);

    await sendMessage('/edit notes.txt hello => goodbye');
    await expect.poll(() => stateOfCard(1), poll).toBe('succeeded');
    const edit = card(1);
    expect(await textIn(edit, 'edit-path')).toBe('/workspace/notes.txt');
    expect(await edit.locator('.diff__line--removed').allTextContents()).toEqual([
      '-hello world\n',
    ]);
    expect(await edit.locator('.diff__line--added').allTextContents()).toEqual([
      '+goodbye world\n',
    ]);

    await sendMessage('/view notes.txt');
    await expect.poll(() => stateOfCard(2), poll).toBe('succeeded');
    const read = card(2);
    expect(await read.getAttribute('data-tool')).toBe('read');
    const content = read.getByTestId('read-content');
    expect(await content.getAttribute('open')).toBeNull();
    await content.locator('summary').click();
    expect(await content.locator('pre').textContent()).toContain('goodbye world');
  });

  it('in confirmation mode, Confirm runs the command and Reject shows the rejection', async () => {
    await saveSettings({ confirmation_mode: true });
    await startConversation('/run echo confirmed');
    await expect.poll(() => stateOfCard(0), poll).toBe('awaiting_confirmation');
    expect(await page.getByTestId('agent-state').getAttribute('data-state')).toBe(
      'waiting_for_confirmation',
    );
    expect(await card(0).getByTestId('command-output').count()).toBe(0);
    // A reload while the agent waits still offers the answer (the state comes with the replay).
    await page.reload();
    await expect.poll(() => stateOfCard(0), poll).toBe('awaiting_confirmation');
    await card(0).getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => stateOfCard(0), poll).toBe('succeeded');
    expect(await textIn(card(0), 'command-output')).toBe('confirmed\n');
    expect(await card(0).getByTestId('confirm-button').count()).toBe(0);

    await sendMessage('/run echo never');
    await expect.poll(() => stateOfCard(1), poll).toBe('awaiting_confirmation');
    // Keyboard: Tab order reaches Reject after Confirm, and Enter presses it.
    await card(1).getByTestId('confirm-button').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.dataset?.testid')).toBe('reject-button');
    await page.keyboard.press('Enter');
    await expect.poll(() => stateOfCard(1), poll).toBe('rejected');
    expect(await textIn(card(1), 'rejection')).toMatch(/^Rejected: /);
    expect(await card(1).getByTestId('command-output').count()).toBe(0);
    expect(await card(1).getByTestId('reject-button').count()).toBe(0);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
  });

  it('an MCP call shows its tool, arguments and result; a failing tool is marked', async () => {
    const mcp = await startMcpHttpServer();
    try {
      await saveSettings({ mcp_config: { ...noMcpServers, shttp_servers: [mcp.url] } });
      await startConversation('/tool add {"a": 2, "b": 3}');
      await expect.poll(() => stateOfCard(0), poll).toBe('succeeded');
      const add = card(0);
      expect(await add.getAttribute('data-tool')).toBe('mcp');
      expect(await textIn(add, 'mcp-tool-name')).toBe('add');
      expect(JSON.parse(await textIn(add, 'mcp-arguments'))).toEqual({ a: 2, b: 3 });
      expect(await textIn(add, 'mcp-result')).toBe('5');

      await sendMessage('/tool fail {}');
      await expect.poll(() => stateOfCard(1), poll).toBe('failed');
      expect(await card(1).getByText('The tool reported an error:').count()).toBe(1);
      expect(await textIn(card(1), 'mcp-result')).toContain('the tool failed on purpose');
    } finally {
      await mcp.close();
    }
  });
});
