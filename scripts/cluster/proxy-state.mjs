// @ts-check
// What HAProxy says about the cluster: which process answered a request through it (the
// X-Parley-Backend header of deploy/haproxy.cfg), and each server's state and request count from
// its admin socket (`show stat`).
import { createConnection } from 'node:net';

/**
 * @typedef {object} ServerStat
 * @property {string} name parley-1 …
 * @property {string} status UP, DOWN, MAINT, or a transition such as "UP 1/2" / "DOWN 1/2"
 * @property {number} requests HTTP requests HAProxy has sent it (health checks not counted)
 */

/**
 * GET /alive through the proxy with the stickiness cookie of process `name`: resolves with the
 * status and the process that answered (another one when `name` is out of rotation), or undefined
 * when the proxy itself cannot be reached.
 * @param {string} proxyUrl
 * @param {string} name
 */
export async function aliveThroughProxy(proxyUrl, name) {
  try {
    const response = await fetch(`${proxyUrl}/alive`, { headers: { cookie: `SERVERID=${name}` } });
    await response.arrayBuffer();
    return { status: response.status, backend: response.headers.get('x-parley-backend') };
  } catch {
    return undefined;
  }
}

/**
 * Resolves once HAProxy routes to process `name` and it answers /alive with 200: the process is
 * up and in rotation. Rejects when `signal` aborts.
 * @param {string} proxyUrl
 * @param {string} name
 * @param {AbortSignal} [signal]
 */
export async function waitForBackend(proxyUrl, name, signal) {
  for (;;) {
    const answer = await aliveThroughProxy(proxyUrl, name);
    if (answer?.status === 200 && answer.backend === name) return;
    signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Sends one command to HAProxy's admin socket and resolves with its whole answer.
 * @param {string} socketPath
 * @param {string} command
 * @returns {Promise<string>}
 */
export function askHaproxy(socketPath, command) {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    /** @type {Buffer[]} */
    const chunks = [];
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * Every server of the `parley` backend with its state, from `show stat`.
 * @param {string} socketPath
 * @returns {Promise<Map<string, ServerStat>>}
 */
export async function readServerStats(socketPath) {
  const answer = await askHaproxy(socketPath, 'show stat');
  const [header, ...rows] = answer.split('\n').filter((line) => line.trim() !== '');
  if (header === undefined || !header.startsWith('# ')) {
    throw new Error(`HAProxy's show stat answered: ${answer}`);
  }
  const columns = header.slice(2).split(',');
  const column = (/** @type {string} */ name) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`show stat has no ${name} column`);
    return index;
  };
  const [proxy, server, status, requests] = ['pxname', 'svname', 'status', 'req_tot'].map(column);
  /** @type {Map<string, ServerStat>} */
  const stats = new Map();
  for (const row of rows) {
    const fields = row.split(',');
    const name = fields[/** @type {number} */ (server)] ?? '';
    if (fields[/** @type {number} */ (proxy)] !== 'parley' || name === 'BACKEND') continue;
    stats.set(name, {
      name,
      status: fields[/** @type {number} */ (status)] ?? '',
      requests: Number(fields[/** @type {number} */ (requests)] ?? 0),
    });
  }
  return stats;
}

/**
 * Resolves once HAProxy reports server `name` with status `status` (UP, DOWN, MAINT); rejects when
 * `signal` aborts.
 * @param {string} socketPath
 * @param {string} name
 * @param {string} status
 * @param {AbortSignal} [signal]
 */
export async function waitForServerStatus(socketPath, name, status, signal) {
  for (;;) {
    const stats = await readServerStats(socketPath);
    if (stats.get(name)?.status === status) return;
    signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
