// @ts-check
// Runs one benchmark participant (or one LLM client) in a fresh Node process (so one participant's heap, GC and JIT state
// never affect another's) and returns the result it reports over IPC.
import { fileURLToPath } from 'node:url';
import { forkPinned } from './realtime-rpc.mjs';

const childEntry = fileURLToPath(new URL('./store-child.mjs', import.meta.url));

/**
 * Runs `entry` with `args` in a fresh process and resolves with the value it reports
 * (`reportToParent({ ok, value })`); rejects with its error, when it exits without a result, or
 * after `timeoutMs`. `name` names the run in those errors.
 * @param {string} entry
 * @param {string[]} args
 * @param {{
 *   name: string,
 *   core?: number,
 *   timeoutMs?: number,
 *   nodeArguments?: string[],
 *   serialization?: 'json' | 'advanced',
 * }} options  core: pin the child with `taskset -c core`
 * @returns {Promise<any>}
 */
export function runOneShot(entry, args, options) {
  const { name } = options;
  const child = forkPinned(entry, args, options);
  return new Promise((resolve, reject) => {
    /** @type {{ ok: true, value: any } | { ok: false, error: string } | undefined} */
    let result;
    const timeoutMs = options.timeoutMs ?? 15 * 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (message) => {
      result = /** @type {typeof result} */ (message);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result?.ok === true) resolve(result.value);
      else if (result?.ok === false) reject(new Error(`${name} failed: ${result.error}`));
      else reject(new Error(`${name} exited (${signal ?? code}) without a result`));
    });
  });
}

/**
 * One store-bench participant (store-child.mjs) in its own process.
 * @param {string} mode  which participant to run (see store-child.mjs)
 * @param {object} config  JSON-serialisable settings for that participant
 * @param {{ core?: number, timeoutMs?: number, nodeArguments?: string[] }} options  core: pin the child with `taskset -c core`
 */
export function runChild(mode, config, options = {}) {
  return runOneShot(childEntry, [mode, JSON.stringify(config)], {
    ...options,
    name: mode,
    serialization: 'advanced',
  });
}
