/**
 * Whether the sandbox suites can run: Debian's `bubblewrap` (`.ci/run` installs it with apt).
 * With CI=true a missing bwrap fails the run; locally the suites are skipped with a visible
 * notice, as the browser suites are (../e2e/support/chromium.ts).
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const bubblewrapPath = process.env['PARLEY_BWRAP_PATH'] ?? '/usr/bin/bwrap';

const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

/** Whether the sandbox suites can run; throws under CI when bubblewrap is missing. */
export function bubblewrapAvailable(): boolean {
  if (existsSync(bubblewrapPath)) return true;
  if (isCi) {
    throw new Error(
      `bubblewrap is not installed at ${bubblewrapPath}, and CI=true forbids skipping`,
    );
  }
  console.warn(
    `\n*** NOTICE: bubblewrap is not installed at ${bubblewrapPath}: the sandbox suites are ` +
      `SKIPPED (apt-get install -y bubblewrap). ***\n`,
  );
  return false;
}

/**
 * A fresh directory for one suite's workspaces and canaries, under /tmp so the unprivileged
 * sandbox user can reach it (a test run from /root could not be bound). Removed by the callback.
 */
export function temporaryRoot(prefix: string): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), `parley-${prefix}-`));
  chmodSync(root, 0o711);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Host processes whose command line contains `token` (zombies have none, so they do not count). */
export function processesWith(token: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (commandLine.includes(token)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Host processes owned by `uid` (real uid), zombies excluded. */
export function processesOf(uid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const realUid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      const zombie = /^State:\s+Z/m.test(status);
      if (!zombie && realUid !== undefined && Number(realUid) === uid) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}
