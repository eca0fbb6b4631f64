// @ts-check
// Starting the processes of a cluster plan: a Parley process (`node packages/server/dist/main.js`)
// and HAProxy (`haproxy -db -f deploy/haproxy.cfg`), each with its planned environment. Used by
// `npm run cluster` and by the test harness.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parleyMainFile } from './plan.mjs';

export const haproxyInstallCommand = 'apt-get install haproxy';

/**
 * @typedef {object} ChildExit
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 */

/**
 * @typedef {object} StartedChild
 * @property {string} name
 * @property {import('node:child_process').ChildProcess} child
 * @property {number} pid
 * @property {Promise<ChildExit>} exited resolves when the process has exited
 * @property {() => string} output everything it printed so far
 */

/**
 * The path of the `haproxy` executable: PARLEY_HAPROXY_PATH when set (undefined if nothing
 * executable is there), else the first on PATH or in /usr/sbin and /usr/local/sbin (where Debian
 * puts it, often off a user's PATH); undefined when it is not installed.
 * @param {{ explicit?: string, path?: string }} [where]
 */
export function findHaproxy({
  explicit = process.env['PARLEY_HAPROXY_PATH'],
  path = process.env['PATH'],
} = {}) {
  const candidates =
    explicit !== undefined && explicit !== ''
      ? [explicit]
      : [...(path ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin']
          .filter((directory) => directory !== '')
          .map((directory) => join(directory, 'haproxy'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * Spawns `command` and keeps what it prints; `onLine` sees each line as it comes.
 * @param {{ name: string, command: string, args: string[], cwd: string, env: Record<string, string>, detached?: boolean, onLine?: (line: string) => void }} options
 * @returns {StartedChild}
 */
export function spawnChild({ name, command, args, cwd, env, detached = false, onLine }) {
  const child = spawn(command, args, { cwd, env, detached, stdio: ['ignore', 'pipe', 'pipe'] });
  /** @type {string[]} */
  const output = [];
  /** @param {import('node:stream').Readable | null} stream */
  const keep = (stream) => {
    let partial = '';
    stream?.on('data', (/** @type {Buffer} */ chunk) => {
      const text = chunk.toString('utf8');
      output.push(text);
      if (onLine === undefined) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  };
  keep(child.stdout);
  keep(child.stderr);
  /** @type {Promise<ChildExit>} */
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      output.push(`${name}: ${error.message}\n`);
      resolve({ code: null, signal: null });
    });
  });
  return { name, child, pid: child.pid ?? -1, exited, output: () => output.join('') };
}

/**
 * Starts one planned Parley process and resolves once it serves (its "Parley is serving" line);
 * rejects, with what it printed, if it exits first or `signal` aborts (then it is killed).
 * `onSpawn` sees the process as soon as it exists, before it serves.
 * @param {{ name: string, environment: Record<string, string>, baseEnvironment: Record<string, string>, cwd: string, detached?: boolean, onLine?: (line: string) => void, onSpawn?: (started: StartedChild) => void, signal?: AbortSignal }} options
 * @returns {Promise<StartedChild & { url: string }>}
 */
export async function startParleyProcess(options) {
  const started = spawnChild({
    name: options.name,
    command: process.execPath,
    args: [parleyMainFile],
    cwd: options.cwd,
    env: { ...options.baseEnvironment, ...options.environment },
    detached: options.detached,
    onLine: options.onLine,
  });
  options.onSpawn?.(started);
  try {
    const url = await waitForOutput(started, /Parley is serving (http:\/\/\S+)/, options.signal);
    return { ...started, url };
  } catch (error) {
    started.child.kill('SIGKILL');
    await started.exited;
    throw error;
  }
}

/**
 * Starts HAProxy with the planned config and environment, in the foreground (-db). It binds its
 * frontend before it reports anything, so a bad config or a taken port ends it at once.
 * @param {{ haproxy: string, configFile: string, environment: Record<string, string>, baseEnvironment: Record<string, string>, cwd: string, detached?: boolean, onLine?: (line: string) => void }} options
 * @returns {StartedChild}
 */
export function startHaproxy(options) {
  return spawnChild({
    name: 'haproxy',
    command: options.haproxy,
    args: ['-db', '-f', options.configFile],
    cwd: options.cwd,
    env: { ...options.baseEnvironment, ...options.environment },
    detached: options.detached,
    onLine: options.onLine,
  });
}

/**
 * Resolves with the first match of `pattern` in what `started` printed; rejects when it exits
 * first or `signal` aborts.
 * @param {StartedChild} started
 * @param {RegExp} pattern
 * @param {AbortSignal} [signal]
 */
export async function waitForOutput(started, pattern, signal) {
  let exit;
  started.exited.then((result) => (exit = result));
  for (;;) {
    const match = pattern.exec(started.output());
    if (match !== null) return match[1] ?? match[0];
    if (exit !== undefined) {
      throw new Error(
        `${started.name} exited (${describeExit(exit)}) before it was ready:\n${started.output()}`,
      );
    }
    signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * "code 1", "signal SIGKILL".
 * @param {ChildExit} exit
 */
export function describeExit(exit) {
  return exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
}
