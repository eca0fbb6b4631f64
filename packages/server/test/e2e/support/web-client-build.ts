/**
 * The built web client for the browser tests. It is built with Vite from the current sources into
 * a private directory named by a hash of those sources, so that
 *
 * - every test file of a run (and every later run on unchanged sources) shares one build;
 * - an edit to the client's sources or to the protocol gives a new build, never a stale one;
 * - `packages/web/dist`, which `npm start` and other runs may be serving, is never emptied under
 *   them (Vite's `emptyOutDir`).
 *
 * Concurrent builders (parallel test files, parallel runs) take a lock directory; the build goes to
 * a temporary directory first and is renamed into place once complete.
 *
 * `PARLEY_E2E_WEB_DIST=<dir>` skips the build and serves an existing one instead.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const webDirectory = join(repositoryRoot, 'packages/web');
const viteCli = join(repositoryRoot, 'node_modules/vite/bin/vite.js');

/** What the build reads from our own code; dependencies come from the lock file. */
const buildInputs = [
  'packages/web/index.html',
  'packages/web/package.json',
  'packages/web/vite.config.ts',
  'packages/web/tsconfig.json',
  'packages/web/src',
  'packages/web/public',
  'packages/protocol/src',
  'package-lock.json',
];

const buildPrefix = 'parley-web-client-';
/** A lock older than this belongs to a builder that died. */
const staleLockMs = 10 * 60_000;
/** Builds other than the current one are removed once this old. */
const oldBuildMs = 24 * 60 * 60_000;

let building: Promise<string> | undefined;

/** The directory holding the built client (`index.html`, `assets/`). */
export function webClientBuild(): Promise<string> {
  building ??= locateOrBuild();
  return building;
}

async function locateOrBuild(): Promise<string> {
  const given = process.env['PARLEY_E2E_WEB_DIST'];
  if (given !== undefined && given !== '') {
    if (!existsSync(join(given, 'index.html'))) {
      throw new Error(`PARLEY_E2E_WEB_DIST=${given} holds no index.html`);
    }
    return given;
  }
  if (!existsSync(join(webDirectory, 'index.html'))) {
    throw new Error('packages/web/index.html is missing: there is no web client to build');
  }
  const target = join(tmpdir(), `${buildPrefix}${sourceHash()}`);
  const lock = `${target}.lock`;
  for (;;) {
    if (existsSync(join(target, 'index.html'))) return target;
    if (takeLock(lock)) break;
    await sleep(250);
  }
  try {
    if (existsSync(join(target, 'index.html'))) return target;
    const staging = `${target}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    await runVite(staging);
    if (!existsSync(join(staging, 'index.html'))) {
      throw new Error('the web client build finished without an index.html');
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
    removeOldBuilds(target);
    return target;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** `mkdir` is atomic: whoever creates the lock directory builds. A stale lock is taken over. */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(lock).mtimeMs > staleLockMs) {
      rmSync(lock, { recursive: true, force: true });
    }
  } catch {
    // Removed meanwhile: the next round tries again.
  }
  return false;
}

function runVite(outDirectory: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [viteCli, 'build', '--outDir', outDirectory, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: webDirectory,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`vite build of packages/web failed (exit ${code}):\n${output.slice(-4000)}`),
        );
    });
  });
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const input of buildInputs) {
    for (const file of filesUnder(join(repositoryRoot, input))) {
      hash
        .update(relative(repositoryRoot, file))
        .update('\0')
        .update(readFileSync(file))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** Every file at or under `path`, sorted; nothing when it does not exist. */
function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((left, right) => left.name.localeCompare(right.name))
    .flatMap((entry) =>
      entry.name === 'node_modules' || entry.name === 'dist'
        ? []
        : filesUnder(join(path, entry.name)),
    );
}

function removeOldBuilds(current: string): void {
  for (const entry of readdirSync(tmpdir())) {
    const path = join(tmpdir(), entry);
    if (!entry.startsWith(buildPrefix) || path === current || entry.endsWith('.lock')) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > oldBuildMs)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}
