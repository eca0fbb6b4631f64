/**
 * The web client in a real browser (Debian's Chromium through playwright-core) against the real
 * server, whose model is the local fake LLM server over HTTP. Every wait is on what the page
 * shows; timeouts only bound a failure.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBrowserApp, type BrowserApp } from './support/browser-app.js';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import {
  conversationText,
  eventIds,
  loggedEventTexts,
  numberedWords,
  occurrences,
  recordedValues,
  recordPageStates,
  stateOf,
  textOf,
} from './support/page-probes.js';

/** How long a page state may take to appear before the test fails. */
const pageTimeout = 30_000;
const poll = { timeout: pageTimeout, interval: 50 };

const conversationUrl = /\/conversations\/[^/?#]+$/;
/**
 * The badge after a stop: the V1 face reports a stopped agent as execution status `paused` (as
 * upstream maps it); `stopped` is the V0 agent state, should the page ever show that instead.
 */
const stoppedState = /^(stopped|paused)$/;

/** Each non-empty text is a prefix of the next and of `reply`: the reply grew, never repeated. */
function expectGrowingPrefixes(samples: readonly string[], reply: string): string[] {
  const texts = samples.map((text) => text.trim()).filter((text) => text !== '');
  for (const [index, text] of texts.entries()) {
    expect(reply.startsWith(text), `partial text ${JSON.stringify(text)}`).toBe(true);
    if (index > 0) expect(text.startsWith(texts[index - 1] as string)).toBe(true);
  }
  return texts;
}

describe.skipIf(!chromiumAvailable())('the web client in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: BrowserApp;
  let context: BrowserContext;
  let page: Page;

  const llm = () => {
    if (server.llm === undefined) throw new Error('this app has no fake LLM server');
    return server.llm;
  };

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startBrowserApp({ model: 'fake' })]);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    llm().clearQueue();
    server.proxy.restore();
    context = await browser.newContext({ baseURL: server.url });
    await recordPageStates(context);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  /** Opens `/`, starts a conversation with `message` and waits for its page. */
  async function startConversation(message: string): Promise<string> {
    await page.goto('/');
    await page.getByTestId('new-conversation-input').fill(message);
    await page.getByTestId('new-conversation-submit').click();
    await page.waitForURL(conversationUrl, { timeout: pageTimeout });
    const id = new URL(page.url()).pathname.split('/').pop();
    if (id === undefined || id === '') throw new Error(`no conversation id in ${page.url()}`);
    return decodeURIComponent(id);
  }

  async function sendMessage(message: string): Promise<void> {
    await page.getByTestId('message-input').fill(message);
    await page.getByTestId('send-button').click();
  }

  /** Waits for a logged event (not the partial reply) holding `part`. */
  function untilLogged(part: string): Promise<void> {
    return expect
      .poll(async () => (await loggedEventTexts(page)).some((text) => text.includes(part)), poll)
      .toBe(true);
  }

  /** Waits until no partial reply is shown. */
  function untilNoPartial(): Promise<void> {
    return expect.poll(() => page.getByTestId('assistant-partial').count(), poll).toBe(0);
  }

  async function expectShownOnce(...parts: string[]): Promise<void> {
    const text = await conversationText(page);
    for (const part of parts) expect(occurrences(text, part), part).toBe(1);
    const ids = await eventIds(page);
    expect(new Set(ids).size).toBe(ids.length);
  }

  it('starts a conversation from the page, streams the reply in, and answers a follow-up', async () => {
    const reply = 'Streaming words reach the browser one small chunk at a time until the end';
    llm().enqueue({ kind: 'reply', text: reply, chunkDelayMs: 60 });
    const id = await startConversation('Hello from the browser');

    await untilLogged(reply);
    await untilLogged('Hello from the browser');
    await untilNoPartial();
    // The text grew in several steps before the final message replaced it.
    const partials = expectGrowingPrefixes(await recordedValues(page, 'assistant-partial'), reply);
    expect(new Set(partials).size).toBeGreaterThanOrEqual(3);
    await expectShownOnce(reply, 'Hello from the browser');
    expect(await page.getByTestId('offline-demo-label').count()).toBe(0);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(llm().requests).toHaveLength(1);

    const followUpReply = 'Here is the answer to the follow-up question';
    llm().enqueue({ kind: 'reply', text: followUpReply, chunkDelayMs: 20 });
    await sendMessage('And a follow-up?');
    await untilLogged(followUpReply);
    await untilLogged('And a follow-up?');
    await untilNoPartial();
    await expectShownOnce(reply, followUpReply, 'And a follow-up?');
    // The follow-up went to the model with the first exchange as history.
    const secondRequest = JSON.stringify(llm().requests[1]?.body ?? {});
    expect(secondRequest).toContain('Hello from the browser');
    expect(secondRequest).toContain(reply);

    await page.goto('/');
    await expect
      .poll(() => page.locator(`[data-testid="conversation-list"] a[href*="${id}"]`).count(), poll)
      .toBeGreaterThan(0);
  });

  it('stops a running answer: the state shows stopped and no further text arrives', async () => {
    const reply = numberedWords('slow', 300);
    const requestIndex = llm().requests.length;
    llm().enqueue({ kind: 'reply', text: reply, chunkDelayMs: 100 });
    await startConversation('Tell me a very long story');

    await expect.poll(() => textOf(page, 'assistant-partial'), poll).toMatch(/\bslow3\b/);
    await page.getByTestId('stop-button').click();
    await expect.poll(() => stateOf(page, 'agent-state'), poll).toMatch(stoppedState);
    // The model call itself was cancelled: the server closed its connection to the LLM.
    await (
      await llm().waitForRequest(requestIndex)
    ).socketClosed;

    const atStop = await conversationText(page);
    // Let several chunk intervals pass: a stream still running would add words meanwhile.
    await page.waitForTimeout(1_000);
    expect(await conversationText(page)).toBe(atStop);
    expect(atStop).not.toContain('slow299');
    expect(await stateOf(page, 'agent-state')).toMatch(stoppedState);
  });

  it('in V1 mode, starts through the app-server API, answers over the V1 socket and pauses on Stop', async () => {
    await context.addInitScript({
      content: "localStorage.setItem('FEATURE_USE_V1_CONVERSATION_API', 'true');",
    });
    const calls: string[] = [];
    page.on('request', (sent) => {
      const url = new URL(sent.url());
      if (url.pathname.startsWith('/api/')) calls.push(`${sent.method()} ${url.pathname}`);
    });
    const reply = 'The V1 face answered this one';
    llm().enqueue({ kind: 'reply', text: reply, chunkDelayMs: 20 });
    const id = await startConversation('Hello over V1');
    await untilLogged(reply);
    await untilNoPartial();
    await expectShownOnce(reply, 'Hello over V1');
    expect(calls).toContain('POST /api/v1/app-conversations');
    expect(calls).not.toContain('POST /api/conversations');
    const info = await page.evaluate(
      async (conversationId) => (await fetch(`/api/conversations/${conversationId}`)).json(),
      id,
    );
    expect(info).toMatchObject({ conversation_id: id, conversation_version: 'V1' });

    const slow = numberedWords('paused', 300);
    llm().enqueue({ kind: 'reply', text: slow, chunkDelayMs: 100 });
    await sendMessage('Now a long one');
    await expect.poll(() => textOf(page, 'assistant-partial'), poll).toMatch(/\bpaused3\b/);
    await page.getByTestId('stop-button').click();
    await expect.poll(() => stateOf(page, 'agent-state'), poll).toMatch(stoppedState);
    expect(calls).toContain(`POST /api/conversations/${id}/pause`);
    expect(calls).not.toContain(`POST /api/conversations/${id}/stop`);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
  });

  it('resumes a reply after a reload mid-answer, showing its text exactly once', async () => {
    const reply = numberedWords('part', 120);
    llm().enqueue({ kind: 'reply', text: reply, chunkDelayMs: 60 });
    await startConversation('Answer while I reload');

    await expect.poll(() => textOf(page, 'assistant-partial'), poll).toMatch(/\bpart5\b/);
    await page.reload();
    await untilLogged(reply);
    await untilNoPartial();

    // After the reload the partial text picked up where the log was and grew without repeats.
    const afterReload = expectGrowingPrefixes(
      await recordedValues(page, 'assistant-partial'),
      reply,
    );
    expect(afterReload.length).toBeGreaterThan(0);
    await expectShownOnce(reply, 'Answer while I reload');
  });

  it('shows the reconnect when the connection dies, then carries on with no gap', async () => {
    const reply = numberedWords('tick', 120);
    llm().enqueue({ kind: 'reply', text: reply, chunkDelayMs: 60 });
    await startConversation('Keep talking through the outage');
    await expect.poll(() => textOf(page, 'assistant-partial'), poll).toMatch(/\btick5\b/);
    await expect.poll(() => stateOf(page, 'connection-status'), poll).toBe('open');

    server.proxy.cut();
    await expect.poll(() => stateOf(page, 'connection-status'), poll).toBe('reconnecting');
    expect(await textOf(page, 'connection-status')).toMatch(/reconnecting/i);
    server.proxy.restore();
    await expect.poll(() => stateOf(page, 'connection-status'), poll).toBe('open');

    await untilLogged(reply);
    await untilNoPartial();
    await expectShownOnce(reply, 'Keep talking through the outage');
    const states = await recordedValues(page, 'connection-status');
    expect(states.slice(states.indexOf('reconnecting'))).toContain('open');
    // The outage's error, if one was shown, is gone once the connection is back.
    expect(await page.getByTestId('error-banner').count()).toBe(0);

    // New events still arrive over the new connection.
    const afterReply = 'Still here after the reconnect';
    llm().enqueue({ kind: 'reply', text: afterReply, chunkDelayMs: 20 });
    await sendMessage('Are you still there?');
    await untilLogged(afterReply);
    await untilNoPartial();
    await expectShownOnce(reply, afterReply, 'Are you still there?');
  });
});
