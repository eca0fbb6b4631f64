// @ts-check
// A long-lived child process driven by requests over IPC, for the realtime benchmark: the server and
// the clients each live in their own process for a whole round, and the orchestrator calls into them
// (`call`) and hears their notifications (`on`). Unlike store-run-child.mjs, a child here answers many
// requests before it exits.
import { fork } from 'node:child_process';

/**
 * The messages between the two sides: requests and notifications go to the child; replies and
 * events come back.
 * @typedef {{ request: number, method: string, args: any }} RequestMessage
 * @typedef {{ notify: string, args: any }} NotifyMessage
 * @typedef {{ reply: number, ok: true, value: any } | { reply: number, ok: false, error: string }} ReplyMessage
 * @typedef {{ event: string, value: any }} EventMessage
 */

/**
 * What a child's methods are: each takes its arguments and answers (or resolves with) a value that
 * survives IPC serialisation.
 * @typedef {Record<string, (args: any) => any>} Methods
 */

/** @typedef {ReturnType<typeof startChild>} Child */

/**
 * Forks `entry` with `args` in a fresh Node process (with --expose-gc), stdout and stderr shared,
 * an IPC channel open; with `core`, pinned to that core with taskset.
 * @param {string} entry
 * @param {string[]} args
 * @param {{
 *   core?: number,
 *   nodeArguments?: string[],
 *   env?: NodeJS.ProcessEnv,
 *   serialization?: 'json' | 'advanced',
 * }} options
 */
export function forkPinned(entry, args, options = {}) {
  const nodeArguments = ['--expose-gc', ...(options.nodeArguments ?? [])];
  const pinned = options.core !== undefined;
  return fork(entry, args, {
    // fork() runs `execPath ...execArgv entry ...args`: with taskset as execPath, the pinned Node (and
    // every thread it starts) inherits the IPC channel and the CPU affinity.
    execPath: pinned ? 'taskset' : process.execPath,
    execArgv: pinned
      ? ['-c', String(options.core), process.execPath, ...nodeArguments]
      : nodeArguments,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
    serialization: options.serialization ?? 'json',
  });
}

/**
 * Starts `entry` (a module that calls `serveRequests`) in a fresh Node process.
 * @param {string} entry
 * @param {{ core?: number, nodeArguments?: string[], env?: NodeJS.ProcessEnv }} options  core: pin with taskset
 */
export function startChild(entry, options = {}) {
  const child = forkPinned(entry, [], options);
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  /** @type {Map<string, ((value: any) => void)[]>} */
  const listeners = new Map();
  let nextId = 1;
  let exited = false;
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      for (const { reject } of pending.values()) {
        reject(new Error(`child ${entry} exited (${signal ?? code}) during a request`));
      }
      pending.clear();
      resolve({ code, signal });
    });
  });
  child.on('message', (/** @type {ReplyMessage | EventMessage} */ message) => {
    if ('reply' in message) {
      const request = pending.get(message.reply);
      if (request === undefined) return;
      pending.delete(message.reply);
      if (message.ok) request.resolve(message.value);
      else request.reject(new Error(message.error));
    } else if (message.event !== undefined) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.value);
    }
  });
  return {
    pid: child.pid,
    /**
     * Calls `method` in the child; rejects on its error, on its exit, or after timeoutMs.
     * @param {string} method
     * @param {object} [args]
     * @returns {Promise<any>} the method's answer
     */
    call(method, args = {}, timeoutMs = 10 * 60_000) {
      if (exited) return Promise.reject(new Error(`child ${entry} has exited`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        // A send that fails (the child is going away) rejects the call instead of crashing us.
        child.send({ request: id, method, args }, (error) => {
          if (error === null || error === undefined) return;
          pending.get(id)?.reject(error);
          pending.delete(id);
        });
      });
    },
    /**
     * Sends a one-way notification (no answer).
     * @param {string} method
     * @param {object} [args]
     */
    notify(method, args = {}) {
      // The channel can close before `exit` arrives; a late notification is then dropped.
      // `send` can still fail with EPIPE afterwards, reported to the callback (without one it would
      // be an unhandled 'error' event on the child): that late notification is dropped too.
      if (!exited && child.connected) child.send({ notify: method, args }, () => undefined);
    },
    /**
     * @param {string} event
     * @param {(value: any) => void} listener
     */
    on(event, listener) {
      const list = listeners.get(event) ?? [];
      list.push(listener);
      listeners.set(event, list);
    },
    /** Asks the child to finish (method `stop`), then kills it if it lingers. */
    async stop(graceMs = 10_000) {
      if (exited) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await this.call('stop', {}, graceMs);
      } catch {
        child.kill('SIGKILL');
      }
      await exitedPromise;
      clearTimeout(timer);
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/**
 * Starts one child per named spec (pinned to `core` when given), runs `work` with them by the same
 * names, and stops them when it ends, however it ends: one after another, the last named first, so
 * clients (named after their server) have said goodbye before the server goes (stopped together,
 * a loaded machine let the server die first, and the clients' sockets closed 1006 as if cut).
 * @template {string} Name
 * @template T
 * @param {Record<Name, { entry: string, core?: number }>} specs
 * @param {(children: Record<Name, Child>) => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withChildren(specs, work) {
  const children = /** @type {Record<Name, Child>} */ (
    Object.fromEntries(
      Object.entries(/** @type {Record<string, { entry: string, core?: number }>} */ (specs)).map(
        ([name, { entry, core }]) => [name, startChild(entry, { core })],
      ),
    )
  );
  try {
    return await work(children);
  } finally {
    for (const child of Object.values(/** @type {Record<string, Child>} */ (children)).reverse()) {
      await child.stop();
    }
  }
}

/**
 * A one-shot child's answer (store-child.mjs, llm-child.mjs): sent to the parent over IPC, or
 * printed when the module runs on its own; resolves once it has gone out.
 * @param {object} message
 * @returns {Promise<void>}
 */
export function reportToParent(message) {
  const send = process.send?.bind(process);
  if (send === undefined) {
    console.log(JSON.stringify(message, null, 2));
    return Promise.resolve();
  }
  return new Promise((resolve) => send(message, undefined, undefined, () => resolve()));
}

/**
 * The child's side: answers requests with `methods[name](args)`; `stop` answers, then disconnects so
 * the process can exit once its handles close. Returns `emit(event, value)` for notifications.
 */
export function serveRequests(/** @type {Methods} */ methods) {
  /** @type {(event: string, value: unknown) => void} */
  const emit = (event, value) => {
    process.send?.({ event, value });
  };
  process.on('message', async (/** @type {RequestMessage | NotifyMessage} */ message) => {
    if ('notify' in message) {
      try {
        methods[message.notify]?.(message.args);
      } catch (error) {
        console.error(error);
      }
      return;
    }
    if (message.request === undefined) return;
    const method = methods[message.method];
    try {
      if (method === undefined) throw new Error(`unknown method ${message.method}`);
      const value = await method(message.args);
      process.send?.({ reply: message.request, ok: true, value });
    } catch (error) {
      process.send?.({
        reply: message.request,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    if (message.method === 'stop') process.disconnect?.();
  });
  return emit;
}
