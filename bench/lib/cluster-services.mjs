// @ts-check
// What the cluster benchmark needs around Parley: a fresh PostgreSQL database per measurement
// (created and dropped through the admin URL), a reachable Redis, and HAProxy in front of the
// processes (a generated configuration on a free port: websocket upgrades tunnelled, `balance
// roundrobin`, health checks on /alive, cookie stickiness for Socket.IO's polling transport, the
// same settings as deploy/haproxy.cfg), started as a child process and stopped by its pid.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { listen } from './listening.mjs';

export const postgresAdminUrl =
  process.env.PARLEY_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.PARLEY_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const haproxyPath = process.env.PARLEY_BENCH_HAPROXY ?? '/usr/sbin/haproxy';

/** @param {string} sql */
async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Why the benchmark cannot run here (HAProxy, PostgreSQL or Redis missing), or undefined.
 * @returns {Promise<string | undefined>}
 */
export async function missingService() {
  if (!existsSync(haproxyPath)) return `HAProxy is not installed at ${haproxyPath}`;
  try {
    await adminQuery('SELECT 1');
  } catch (error) {
    return `PostgreSQL is not reachable at ${postgresAdminUrl} (${/** @type {Error} */ (error).message})`;
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis is not reachable at ${redisUrl} (${/** @type {Error} */ (error).message})`;
  } finally {
    redis.disconnect();
  }
  return undefined;
}

/**
 * Creates an empty PostgreSQL database; resolves with its URL and `drop()`.
 * @returns {Promise<{ url: string, drop: () => Promise<void> }>}
 */
export async function createBenchDatabase() {
  const name = `parley_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A TCP port free at the moment of asking (HAProxy binds it right after). */
export async function freePort() {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The HAProxy configuration for `backends` (127.0.0.1 ports) behind 127.0.0.1:`port`.
 * @param {number} port
 * @param {number[]} backends
 */
export function haproxyConfig(port, backends) {
  return [
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 60s',
    '    timeout server 60s',
    // An upgraded connection (WebSocket) is a tunnel; this replaces the two timeouts above.
    '    timeout tunnel 1h',
    '    timeout check 3s',
    'frontend bench_front',
    `    bind 127.0.0.1:${port}`,
    '    default_backend parley',
    'backend parley',
    '    balance roundrobin',
    '    cookie SERVERID insert indirect nocache',
    '    http-response set-header X-Parley-Backend %[srv_name]',
    '    option httpchk GET /alive',
    '    http-check expect rstatus ^(200|429)$',
    '    default-server check inter 1s fall 3 rise 2',
    ...backends.map(
      (backend, index) =>
        `    server parley-${index + 1} 127.0.0.1:${backend} cookie parley-${index + 1}`,
    ),
    '',
  ].join('\n');
}

/**
 * Starts HAProxy in front of `backends` and waits until a round of /alive requests through it has
 * reached every backend. Resolves with its port, pid and `stop()`.
 * @param {number[]} backends
 */
export async function startHaproxy(backends) {
  const directory = mkdtempSync(join(tmpdir(), 'parley-bench-haproxy-'));
  const configPath = join(directory, 'haproxy.cfg');
  const port = await freePort();
  writeFileSync(configPath, haproxyConfig(port, backends));
  const child = spawn(haproxyPath, ['-db', '-f', configPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  /** @type {Promise<void>} */
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await reachEveryBackend(port, backends.length, () => child.exitCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`HAProxy did not serve: ${/** @type {Error} */ (error).message}\n${stderr}`);
  }
  return { port, pid: child.pid, stop };
}

/**
 * Polls /alive through HAProxy until every backend has answered (named by X-Parley-Backend).
 * @param {number} port
 * @param {number} count
 * @param {() => boolean} gone
 */
async function reachEveryBackend(port, count, gone) {
  const seen = new Set();
  const deadline = Date.now() + 20_000;
  while (seen.size < count) {
    if (gone()) throw new Error('haproxy exited');
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${count} backends answered`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/alive`);
      await response.arrayBuffer();
      const backend = response.headers.get('x-parley-backend');
      if (response.ok && backend !== null) seen.add(backend);
    } catch {
      // not listening yet
    }
    if (seen.size < count) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
