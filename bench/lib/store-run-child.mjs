// @ts-check
// Runs one benchmark participant in a fresh Node process (so one participant's heap, GC and JIT state
// never affect another's) and returns the result it reports over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const childEntry = fileURLToPath(new URL('./store-child.mjs', import.meta.url));

/**
 * @param {string} mode  which participant to run (see store-child.mjs)
 * @param {object} config  JSON-serialisable settings for that participant
 * @param {{ core?: number, timeoutMs?: number, nodeArguments?: string[] }} options  core: pin the child with `taskset -c core`
 */
export function runChild(mode, config, options = {}) {
  const nodeArguments = ['--expose-gc', ...(options.nodeArguments ?? [])];
  const pinned = options.core !== undefined;
  const child = fork(childEntry, [mode, JSON.stringify(config)], {
    // fork() runs `execPath ...execArgv entry ...args`: with taskset as execPath, the pinned Node (and
    // every thread it starts) inherits the IPC channel and the CPU affinity.
    execPath: pinned ? 'taskset' : process.execPath,
    execArgv: pinned
      ? ['-c', String(options.core), process.execPath, ...nodeArguments]
      : nodeArguments,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  return new Promise((resolve, reject) => {
    let result;
    const timer = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(new Error(`${mode} did not finish within ${options.timeoutMs} ms`));
      },
      options.timeoutMs ?? 15 * 60_000,
    );
    child.on('message', (message) => {
      result = message;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result?.ok === true) resolve(result.value);
      else if (result?.ok === false) reject(new Error(`${mode} failed: ${result.error}`));
      else reject(new Error(`${mode} exited (${signal ?? code}) without a result`));
    });
  });
}
