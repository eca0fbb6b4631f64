#!/usr/bin/env node
// `npm run screenshots`: pictures of the main screens for the README, written to
// docs/screenshots/. Runs the TypeScript script beside the browser tests with tsx (which resolves
// `@parley/protocol` to its sources through tsconfig.tests.json, as Vitest does) and needs
// Chromium at /usr/bin/chromium (or PARLEY_CHROMIUM_PATH).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', 'packages/server/test/e2e/take-screenshots.ts'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: `${root}tsconfig.tests.json` },
  },
);
process.exit(result.status ?? 1);
