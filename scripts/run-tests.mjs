#!/usr/bin/env node
// Compiles the server (the bench smoke tests run its dist/ in child processes), runs the whole
// Vitest suite, then prints the one summary line CI reads: "N passed, N failed". Fails when the
// build failed, a test failed, Vitest itself failed, zero tests ran, or (with CI=true, where no
// suite may skip) any test was skipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const resultsDirectory = mkdtempSync(join(tmpdir(), 'parley-test-results-'));
const resultsFile = join(resultsDirectory, 'vitest.json');
const extraArguments = process.argv.slice(2);

const isCi = process.env.CI === 'true' || process.env.CI === '1';

const build = spawnSync(
  process.execPath,
  ['node_modules/typescript/bin/tsc', '-b', 'packages/server'],
  { stdio: 'inherit', env: process.env },
);
if (build.status !== 0) {
  console.error('Compiling packages/server failed: no tests run.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const vitest = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...extraArguments,
  ],
  { stdio: 'inherit', env: process.env },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests ?? 0;
  failed = results.numFailedTests ?? 0;
  skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  // A suite that fails to load counts as a failure even with zero failed tests.
  failed += (results.testResults ?? []).filter(
    (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
  ).length;
}
rmSync(resultsDirectory, { recursive: true, force: true });

if (skipped > 0) console.log(`${skipped} skipped (see the notices above)`);
if (skipped > 0 && isCi) {
  console.error('CI=true: no test may be skipped; each skipped test counts as failed.');
  failed += skipped;
}
console.log(`${passed} passed, ${failed} failed`);

if (passed + failed === 0) {
  console.error('No tests ran: that is a failure.');
  process.exit(1);
}
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0);
