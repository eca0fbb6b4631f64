/**
 * `npm run cluster` (scripts/cluster.mjs) as a user runs it, in a child process: it starts two
 * Parley processes and HAProxy with the planned environment, serves through HAProxy, reports a
 * process that dies without restarting it, and on SIGTERM stops everything it started. Bad
 * options and missing services end it with one line naming the cause.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../../../../scripts/cluster/plan.mjs';
import { clusterPrerequisites } from '../../support/cluster-prerequisites.js';
import { freeConsecutivePorts } from '../../support/free-ports.js';
import { adminQuery, postgresAdminUrl } from '../../support/test-databases.js';
import { testRedisUrl } from '../../support/test-redis.js';

const available = await clusterPrerequisites();
const script = join(repositoryRoot, 'scripts/cluster.mjs');

interface ScriptRun {
  output: () => string;
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
}

function runScript(args: string[], environment: Record<string, string>): ScriptRun {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: repositoryRoot,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { output: () => output, exited, kill: (signal) => child.kill(signal) };
}

async function untilOutput(run: ScriptRun, pattern: RegExp): Promise<RegExpMatchArray> {
  let done = false;
  void run.exited.then(() => (done = true));
  for (;;) {
    const match = pattern.exec(run.output());
    if (match !== null) return match;
    if (done) throw new Error(`the script exited first:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The environment a process was started with, from /proc. */
function environmentOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(
    entries.map((entry) => [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ]),
  );
}

/** The pids the script reported for its children, by name. */
function reportedPids(output: string): Map<string, number> {
  return new Map(
    [...output.matchAll(/\[cluster\] (parley-\d+|haproxy) \(pid (\d+)\)/g)].map((match) => [
      match[1] ?? '',
      Number(match[2]),
    ]),
  );
}

describe.skipIf(!available)('npm run cluster', { timeout: 90_000 }, () => {
  const databases: string[] = [];
  const directories: string[] = [];
  afterAll(async () => {
    for (const name of databases) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  /** Starts the script with two processes on fresh ports, a fresh database and directory. */
  async function startTwo(): Promise<{
    run: ScriptRun;
    url: string;
    base: number;
    directory: string;
    databaseUrl: string;
  }> {
    const base = await freeConsecutivePorts(3);
    const name = `parley_cluster_script_${process.pid}_${randomBytes(4).toString('hex')}`;
    databases.push(name);
    const databaseUrl = new URL(postgresAdminUrl);
    databaseUrl.pathname = `/${name}`;
    const directory = mkdtempSync(join(tmpdir(), 'parley-cluster-script-'));
    directories.push(directory);
    const run = runScript(
      ['--processes', '2', '--port', String(base), '--directory', directory, '--no-build'],
      {
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL: testRedisUrl,
        LOG_LEVEL: 'warn',
        PARLEY_RATE_LIMIT_PER_SECOND: '0',
      },
    );
    const match = await untilOutput(run, /Parley cluster: 2 processes behind (http:\/\/\S+)/);
    return { run, url: match[1] ?? '', base, directory, databaseUrl: databaseUrl.toString() };
  }

  it('starts two processes and HAProxy with the plan, serves through it, and stops them all on SIGTERM', async () => {
    const { run, url, base, directory, databaseUrl } = await startTwo();
    expect(url).toBe(`http://127.0.0.1:${base}`);
    const alive = await fetch(`${url}/alive`);
    expect(await alive.json()).toEqual({ status: 'ok' });
    expect(run.output()).toContain('created the database');

    const pids = reportedPids(run.output());
    expect([...pids.keys()].sort()).toEqual(['haproxy', 'parley-1', 'parley-2']);
    const key = readFileSync(join(directory, 'secrets.key'), 'utf8').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(directory, 'secrets.key')).mode & 0o777).toBe(0o600);
    for (const [index, name] of ['parley-1', 'parley-2'].entries()) {
      const environment = environmentOf(pids.get(name) ?? -1);
      expect(environment).toMatchObject({
        PORT: String(base + 1 + index),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        REDIS_URL: testRedisUrl,
        PARLEY_SECRETS_KEY: key,
        PARLEY_DATA_DIR: join(directory, name),
        PARLEY_WORKSPACE_DIR: join(directory, 'workspaces'),
        // Other variables pass through.
        LOG_LEVEL: 'warn',
      });
    }

    run.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('every process has exited');
    for (const pid of pids.values()) expect(processExists(pid)).toBe(false);
  });

  it('reports a process that dies, does not restart it, keeps serving, and exits 1 at the end', async () => {
    const { run, url } = await startTwo();
    const pids = reportedPids(run.output());
    process.kill(pids.get('parley-2') ?? -1, 'SIGKILL');
    await untilOutput(run, /parley-2 exited unexpectedly \(signal SIGKILL\); it is not restarted/);
    const alive = await fetch(`${url}/alive`);
    expect(alive.status).toBe(200);
    expect(alive.headers.get('x-parley-backend')).toBe('parley-1');

    run.kill('SIGTERM');
    expect(await run.exited).toBe(1);
    expect(run.output().match(/parley-2 \(pid \d+\) serves/g)).toHaveLength(1);
    for (const pid of pids.values()) expect(processExists(pid)).toBe(false);
  });

  it('refuses a process count deploy/haproxy.cfg has no server line for', async () => {
    const run = runScript(['--processes', '10'], {});
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/the number of processes must be 1 to 9/);
  });

  it('names apt-get install haproxy when HAProxy is missing', async () => {
    const run = runScript(['--no-build'], { PARLEY_HAPROXY_PATH: '/nonexistent/haproxy' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toBe(
      'npm run cluster: HAProxy is not installed at /nonexistent/haproxy (PARLEY_HAPROXY_PATH): run apt-get install haproxy\n',
    );
  });

  it('says in one line that Redis or PostgreSQL is unreachable, without printing a password', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'parley-cluster-script-'));
    directories.push(directory);
    const noRedis = runScript(['--no-build', '--directory', directory], {
      DATABASE_URL: `${postgresAdminUrl.replace(/\/[^/]*$/, '')}/postgres`,
      REDIS_URL: 'redis://:hunter2secret@127.0.0.1:1',
    });
    expect(await noRedis.exited).toBe(1);
    expect(noRedis.output()).toMatch(
      /^npm run cluster: Redis is not reachable at redis:\/\/:\*\*\*@127\.0\.0\.1:1 .*set REDIS_URL\n$/,
    );

    const noPostgres = runScript(['--no-build', '--directory', directory], {
      DATABASE_URL: 'postgres://postgres:hunter2secret@127.0.0.1:1/parley_cluster',
      REDIS_URL: testRedisUrl,
    });
    expect(await noPostgres.exited).toBe(1);
    expect(noPostgres.output()).toMatch(
      /^npm run cluster: PostgreSQL is not reachable at .*set DATABASE_URL\n$/,
    );
    expect(noPostgres.output()).not.toContain('hunter2secret');
  });
});
