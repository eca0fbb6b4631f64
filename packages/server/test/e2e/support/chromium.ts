/**
 * Debian's Chromium, driven by `playwright-core` (no downloaded browsers: never
 * `npx playwright install`). `.ci/run` installs it with apt. With CI=true a missing browser fails
 * the run; locally the browser suites are skipped with a visible notice, as the PostgreSQL suites
 * are (see ../../support/test-databases.ts).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env['PARLEY_CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const chromiumArguments = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** Whether the browser suites can run; throws under CI when the browser is missing. */
export function chromiumAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (isCi) {
    throw new Error(`Chromium is not installed at ${chromiumPath}, and CI=true forbids skipping`);
  }
  console.warn(
    `\n*** NOTICE: Chromium is not installed at ${chromiumPath}: the browser suites are SKIPPED ` +
      `(apt-get install -y chromium). ***\n`,
  );
  return false;
}

/**
 * Starts headless Chromium. Playwright gives it a fresh temporary `--user-data-dir`, and each
 * `browser.newContext()` is a further clean profile (no cookies, no storage).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArguments,
    // A hung browser must not hang the suite: the test's own timeout reports it.
    timeout: 60_000,
  });
}
