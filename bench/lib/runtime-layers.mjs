#!/usr/bin/env node
// @ts-check
// Where B10's sandbox start-up goes, layer by layer (information, not part of the harness):
// `/bin/sh -c true` spawned (1) as it is, (2) as the sandbox's host user (what Parley does as
// root), (3) under `prlimit` with Parley's limits as that user, then Parley's `BubblewrapSandbox.run`
// (4) with the host's network shared (no network namespace) and (5) as configured by default (every
// namespace new). Sample by sample in this process, the layers in a rotating order; medians.
//
//   npm run build && node bench/lib/runtime-layers.mjs [--samples N]
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from './cli-options.mjs';
import { importFromDist } from './parley-dist.mjs';
import { now } from './realtime-payload.mjs';
import { latencySummary } from './store-stats.mjs';

const options = parseOptions(process.argv.slice(2), { samples: { type: 'integer', default: 60 } });
const { BubblewrapSandbox } = await importFromDist('runtime/bubblewrap-sandbox.js');
const { createSilentLogger } = await importFromDist('shared/logger.js');
const { prlimitArguments } = await importFromDist('runtime/resource-limits.js');
const { defaultSandboxLimits } = await importFromDist('runtime/sandbox.js');

const root = process.getuid?.() === 0;
const user = root ? { uid: 65534, gid: 65534 } : {};
const directory = mkdtempSync(join(tmpdir(), 'parley-bench-layers-'));
chmodSync(directory, 0o711);
const workspaceRoot = join(directory, 'workspaces');
const logger = createSilentLogger();
const isolated = new BubblewrapSandbox({ workspaceRoot, logger });
const networked = new BubblewrapSandbox({ workspaceRoot, logger, network: true });

/**
 * @param {string} file
 * @param {string[]} args
 * @param {{ uid?: number, gid?: number }} [as]
 */
function spawned(file, args, as = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...as });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(undefined) : reject(new Error(`${file} exited with ${code}`)),
    );
  });
}

/** @type {[string, () => Promise<unknown>][]} */
const layers = [
  ['spawn /bin/sh -c true', () => spawned('/bin/sh', ['-c', 'true'])],
  [`… as uid ${root ? 65534 : 'self (not root)'}`, () => spawned('/bin/sh', ['-c', 'true'], user)],
  [
    '… under prlimit (Parley’s limits)',
    () =>
      spawned(
        'prlimit',
        [...prlimitArguments(defaultSandboxLimits), '/bin/sh', '-c', 'true'],
        user,
      ),
  ],
  ['BubblewrapSandbox.run, network shared', () => networked.run('layers', 'true')],
  ['BubblewrapSandbox.run, default (all namespaces new)', () => isolated.run('layers', 'true')],
];

try {
  for (const [, run] of layers) await run();
  /** @type {number[][]} */
  const times = layers.map(() => []);
  for (let sample = 0; sample < options.samples; sample++) {
    for (let step = 0; step < layers.length; step++) {
      const index = (sample + step) % layers.length;
      const startedAt = now();
      await layers[index]?.[1]();
      times[index]?.push(now() - startedAt);
    }
  }
  let previous = 0;
  console.log('| Layer | p50 (ms) | added (ms) | p99 (ms) |\n| --- | ---: | ---: | ---: |');
  layers.forEach(([name], index) => {
    const summary = latencySummary(times[index] ?? []);
    const added = index === 0 ? '—' : (summary.p50Ms - previous).toFixed(2);
    console.log(
      `| ${name} | ${summary.p50Ms.toFixed(2)} | ${added} | ${summary.p99Ms.toFixed(2)} |`,
    );
    previous = summary.p50Ms;
  });
} finally {
  await isolated.close();
  await networked.close();
  rmSync(directory, { recursive: true, force: true });
}
