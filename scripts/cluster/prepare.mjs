// @ts-check
// What `npm run cluster` makes sure of before it starts anything: a build, the cluster's
// PostgreSQL database, a reachable Redis, and one secrets key that every process shares.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parleyMainFile, repositoryRoot } from './plan.mjs';

const webClientFile = join(repositoryRoot, 'packages/web/dist/index.html');

/**
 * A URL as it may be printed: without its password.
 * @param {string} url
 */
export function withoutPassword(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * Builds the server and the web client (`npm run build`) when either build is missing. With
 * `build: false`, only checks that the server is built.
 * @param {{ build: boolean, log: (line: string) => void }} options
 */
export function ensureBuilt({ build, log }) {
  const missing = [parleyMainFile, webClientFile].filter((file) => !existsSync(file));
  if (missing.length === 0) return;
  if (!build) {
    if (existsSync(parleyMainFile)) return;
    throw new Error(`${parleyMainFile} is missing: run npm run build (or drop --no-build)`);
  }
  log('building (npm run build) …');
  const result = spawnSync('npm', ['run', 'build'], { cwd: repositoryRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

/**
 * Creates the database `databaseUrl` names when it does not exist yet (connecting to the server's
 * `postgres` database to do it). Resolves with true when it created it.
 * @param {string} databaseUrl
 */
export async function ensureDatabase(databaseUrl) {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (name === '')
    throw new Error(`DATABASE_URL names no database: ${withoutPassword(databaseUrl)}`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${withoutPassword(admin.toString())} (${describe(error)}): start it or set DATABASE_URL`,
    );
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount !== 0) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

/**
 * Throws a one-line reason when Redis does not answer PING at `redisUrl`.
 * @param {string} redisUrl
 */
export async function checkRedis(redisUrl) {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${withoutPassword(redisUrl)} (${describe(error)}): start redis-server or set REDIS_URL`,
    );
  } finally {
    client.disconnect();
  }
}

/**
 * The cluster's shared secrets key: read from `<directory>/secrets.key`, or generated there once
 * (64 hex digits, mode 0600, never overwritten).
 * @param {string} directory
 */
export function readOrCreateSecretsKey(directory) {
  mkdirSync(directory, { recursive: true });
  const file = join(directory, 'secrets.key');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const key = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(key)) {
    throw new Error(`${file} does not hold 64 hex digits: fix or remove it`);
  }
  return key;
}

/** @param {unknown} error */
function describe(error) {
  if (error instanceof Error) {
    const code = /** @type {{ code?: unknown }} */ (error).code;
    return typeof code === 'string' ? code : error.message;
  }
  return String(error);
}
