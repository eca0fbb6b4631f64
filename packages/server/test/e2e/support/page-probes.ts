/**
 * Reading the page under test by its `data-testid`s. Code that runs in the page is passed as
 * strings: the test tsconfig has no DOM types, and the page sees none of Node's.
 *
 * `recordPageStates` installs a MutationObserver before the client's own scripts (and again on
 * every load) that notes each distinct value a watched element shows, so a test can check the
 * sequence it went through, such as the partial reply growing word by word, without sampling on a
 * clock.
 */
import type { BrowserContext, Page } from 'playwright-core';

/**
 * What the recorder keeps: the partial reply's text, and the `data-state` of the connection
 * status (`open`, `connecting`, `reconnecting`, `closed`) and of the agent-state badge.
 */
export const recordedTestIds = ['assistant-partial', 'connection-status', 'agent-state'] as const;
export type RecordedTestId = (typeof recordedTestIds)[number];

const recorderScript = `(() => {
  const ids = ${JSON.stringify(recordedTestIds)};
  const samples = Object.fromEntries(ids.map((id) => [id, []]));
  globalThis.__parleyTexts = samples;
  const record = () => {
    for (const id of ids) {
      const element = document.querySelector('[data-testid="' + id + '"]');
      const value =
        element === null
          ? ''
          : id === 'assistant-partial'
            ? (element.textContent ?? '')
            : (element.getAttribute('data-state') ?? '');
      const list = samples[id];
      if (list[list.length - 1] !== value) list.push(value);
    }
  };
  new MutationObserver(record).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
})();`;

export async function recordPageStates(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: recorderScript });
}

/** Every distinct value `testId` showed since the page last loaded ('' while absent). */
export async function recordedValues(page: Page, testId: RecordedTestId): Promise<string[]> {
  return (await page.evaluate(
    `(globalThis.__parleyTexts && globalThis.__parleyTexts[${JSON.stringify(testId)}]) || []`,
  )) as string[];
}

/** The text of the first element with `testId`; '' when there is none (or the page is loading). */
export async function textOf(page: Page, testId: string): Promise<string> {
  try {
    return (await page.evaluate(
      `document.querySelector('[data-testid=${JSON.stringify(testId)}]')?.textContent ?? ''`,
    )) as string;
  } catch {
    // The page navigated while we read: a poll simply asks again.
    return '';
  }
}

/** The `data-state` of the first element with `testId`; '' when there is none. */
export async function stateOf(page: Page, testId: string): Promise<string> {
  try {
    return (await page.evaluate(
      `document.querySelector('[data-testid=${JSON.stringify(testId)}]')?.getAttribute('data-state') ?? ''`,
    )) as string;
  } catch {
    return '';
  }
}

/**
 * Everything the conversation view shows of the exchange: the event list, which holds the logged
 * events, the user's message waiting for its echo and the partial reply.
 */
export function conversationText(page: Page): Promise<string> {
  return textOf(page, 'event-list');
}

/** The texts of the logged events in the list (the partial reply and pending message are not). */
export async function loggedEventTexts(page: Page): Promise<string[]> {
  try {
    return (await page.evaluate(
      `[...document.querySelectorAll('[data-testid="event-list"] [data-event-id]')]` +
        `.map((item) => item.textContent ?? '')`,
    )) as string[];
  } catch {
    return [];
  }
}

/** The `data-event-id`s of the event list's items, in page order. */
export async function eventIds(page: Page): Promise<string[]> {
  return (await page.evaluate(
    `[...document.querySelectorAll('[data-testid="event-list"] [data-event-id]')]` +
      `.map((item) => item.getAttribute('data-event-id'))`,
  )) as string[];
}

export function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** `count` words `<prefix>0 <prefix>1 …`: a reply whose every prefix is recognisable. */
export function numberedWords(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, index) => `${prefix}${index}`).join(' ');
}
