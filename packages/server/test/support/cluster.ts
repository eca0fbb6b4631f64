/**
 * A Parley cluster for tests, built from the plan `npm run cluster` uses (scripts/cluster/plan.mjs):
 * N processes of `packages/server/dist/main.js` on a fresh PostgreSQL database (created here and
 * dropped by `stop`), the local test Redis (or `redisUrl`), and HAProxy with deploy/haproxy.cfg in
 * front, all on free ports, in a temporary directory. `startCluster` resolves once HAProxy routes
 * to every process and each answers /alive through it; `stop` removes everything, and a failed
 * start cleans up before it rejects. Call `stop` in `afterAll` (it is idempotent), so a failing
 * test leaves nothing behind. Check `clusterPrerequisites()` (./cluster-prerequisites.ts) first.
 *
 * Each process gets LOG_LEVEL=warn and PARLEY_RATE_LIMIT_PER_SECOND=0 (every request through the
 * proxy comes from 127.0.0.1) unless `environment(index)` says otherwise.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findHaproxy,
  startHaproxy,
  startParleyProcess,
  type ChildExit,
  type StartedChild,
} from '../../../../scripts/cluster/children.mjs';
import { localSite, planCluster, type PlannedProcess } from '../../../../scripts/cluster/plan.mjs';
import {
  readServerStats,
  waitForBackend,
  waitForServerStatus,
  type ServerStat,
} from '../../../../scripts/cluster/proxy-state.mjs';
import { freePorts } from './free-ports.js';
import { adminQuery, postgresAdminUrl } from './test-databases.js';
import { testRedisUrl } from './test-redis.js';

export interface ClusterOptions {
  readonly processes: number;
  /** Default: the local test Redis (PARLEY_TEST_REDIS_URL or redis://127.0.0.1:6379). */
  readonly redisUrl?: string;
  /** Extra variables for process `index` (0-based); they win over the plan's. */
  readonly environment?: (index: number) => Readonly<Record<string, string>>;
  /** Bounds the start; default 60 s. */
  readonly signal?: AbortSignal;
}

export interface ClusterProcess {
  readonly name: string;
  /** The process's own address, past HAProxy. */
  readonly url: string;
  readonly environment: Readonly<Record<string, string>>;
  /** The current run's pid, undefined while it is not running. */
  readonly pid: number | undefined;
  /**
   * The name this run owns leases under: PARLEY_INSTANCE_ID when the environment sets it, else
   * Parley's default, hostname-pid (undefined while it is not running).
   */
  readonly instanceId: string | undefined;
  readonly running: boolean;
  /** Resolves when the current run exits. */
  readonly exited: Promise<ChildExit>;
  /** What the current run printed. */
  output(): string;
}

export interface TestCluster {
  /** HAProxy's frontend, where clients go. */
  readonly proxyUrl: string;
  readonly processes: readonly ClusterProcess[];
  readonly databaseUrl: string;
  readonly statsSocket: string;
  /** Sends `signal` (default SIGKILL) to process `index`; waits for its exit unless it is SIGSTOP or SIGCONT. */
  kill(index: number, signal?: NodeJS.Signals): Promise<ChildExit | undefined>;
  /**
   * Starts process `index` again with its plan (same port, data directory, environment) and waits
   * until HAProxy routes to it; `signal` bounds it (default 60 s).
   */
  restart(index: number, signal?: AbortSignal): Promise<void>;
  /** HAProxy's view of every server (status, requests sent). */
  serverStats(): Promise<Map<string, ServerStat>>;
  /** Resolves once HAProxy reports process `index` as `status` (UP, DOWN). */
  waitForStatus(index: number, status: 'UP' | 'DOWN', signal?: AbortSignal): Promise<void>;
  /** What HAProxy printed (its warnings: servers going DOWN and UP). */
  proxyOutput(): string;
  /** Stops every process and HAProxy, drops the database, removes the directory. Idempotent. */
  stop(): Promise<void>;
}

const stopSignals = new Set<NodeJS.Signals>(['SIGSTOP', 'SIGCONT', 'SIGTSTP']);
const liveChildren = new Set<StartedChild>();
process.once('exit', () => {
  for (const started of liveChildren) started.child.kill('SIGKILL');
});

export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const haproxy = findHaproxy();
  if (haproxy === undefined) throw new Error('haproxy is not installed (apt-get install haproxy)');
  const directory = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  chmodSync(directory, 0o711);
  const databaseName = `parley_cluster_${process.pid}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = new URL(postgresAdminUrl);
  databaseUrl.pathname = `/${databaseName}`;
  const [proxyPort = 0, ...processPorts] = await freePorts(options.processes + 1);
  const plan = planCluster({
    processes: options.processes,
    site: localSite({
      directory,
      proxyPort,
      processPorts,
      databaseUrl: databaseUrl.toString(),
      redisUrl: options.redisUrl ?? testRedisUrl,
      secretsKey: randomBytes(32).toString('hex'),
    }),
    extraEnvironment: (index) => ({
      LOG_LEVEL: 'warn',
      PARLEY_RATE_LIMIT_PER_SECOND: '0',
      ...options.environment?.(index),
    }),
  });
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const statsSocket = join(directory, 'haproxy.sock');
  const baseEnvironment = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  const runs: (StartedChild | undefined)[] = plan.processes.map(() => undefined);
  let proxy: StartedChild | undefined;
  let stopping: Promise<void> | undefined;

  const track = (started: StartedChild) => {
    liveChildren.add(started);
    void started.exited.then(() => liveChildren.delete(started));
  };
  const startProcess = async (planned: PlannedProcess, signal: AbortSignal) => {
    const started = await startParleyProcess({
      name: planned.name,
      environment: planned.environment,
      baseEnvironment,
      cwd: directory,
      signal,
      onSpawn: (child) => {
        track(child);
        runs[planned.index] = child;
      },
    });
    return started;
  };

  const stop = async () => {
    const problems: unknown[] = [];
    const running = runs.filter((run) => run !== undefined && isRunning(run)) as StartedChild[];
    for (const run of running) {
      run.child.kill('SIGCONT');
      run.child.kill('SIGTERM');
    }
    await Promise.all(running.map((run) => exitWithin(run, 20_000)));
    if (proxy !== undefined && isRunning(proxy)) {
      proxy.child.kill('SIGTERM');
      await exitWithin(proxy, 10_000);
    }
    try {
      await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    } catch (error) {
      problems.push(error);
    }
    rmSync(directory, { recursive: true, force: true });
    if (problems.length > 0) throw new AggregateError(problems, 'stopping the cluster');
  };
  const stopOnce = () => (stopping ??= stop());

  const within = options.signal ?? AbortSignal.timeout(60_000);
  try {
    await adminQuery(`CREATE DATABASE ${databaseName}`);
    const [first, ...others] = plan.processes;
    if (first !== undefined) await startProcess(first, within);
    await Promise.all(others.map((planned) => startProcess(planned, within)));
    proxy = startHaproxy({
      haproxy,
      configFile: plan.proxy.configFile,
      environment: plan.proxy.environment,
      baseEnvironment,
      cwd: directory,
    });
    track(proxy);
    for (const planned of plan.processes) {
      await Promise.race([
        waitForBackend(proxyUrl, planned.name, within),
        proxy.exited.then(() => {
          throw new Error(`haproxy exited:\n${proxy?.output()}`);
        }),
      ]);
    }
  } catch (error) {
    await stopOnce().catch(() => undefined);
    throw error;
  }

  const runOf = (index: number): StartedChild => {
    const run = runs[index];
    if (run === undefined) throw new Error(`no process ${index} in this cluster`);
    return run;
  };
  const processes: ClusterProcess[] = plan.processes.map((planned) => ({
    name: planned.name,
    url: `http://127.0.0.1:${planned.port}`,
    environment: planned.environment,
    get pid() {
      const run = runOf(planned.index);
      return isRunning(run) ? run.pid : undefined;
    },
    get instanceId() {
      const pid = this.pid;
      if (pid === undefined) return undefined;
      return planned.environment['PARLEY_INSTANCE_ID'] ?? `${hostname()}-${pid}`;
    },
    get running() {
      return isRunning(runOf(planned.index));
    },
    get exited() {
      return runOf(planned.index).exited;
    },
    output: () => runOf(planned.index).output(),
  }));

  return {
    proxyUrl,
    processes,
    databaseUrl: databaseUrl.toString(),
    statsSocket,
    async kill(index, signal = 'SIGKILL') {
      const run = runOf(index);
      if (!isRunning(run)) throw new Error(`${run.name} is not running`);
      run.child.kill(signal);
      if (stopSignals.has(signal)) return undefined;
      return run.exited;
    },
    async restart(index, signal = AbortSignal.timeout(60_000)) {
      const planned = plan.processes[index];
      if (planned === undefined) throw new Error(`no process ${index} in this cluster`);
      if (isRunning(runOf(index))) throw new Error(`${planned.name} is still running`);
      await startProcess(planned, signal);
      await waitForBackend(proxyUrl, planned.name, signal);
    },
    serverStats: () => readServerStats(statsSocket),
    waitForStatus: (index, status, signal) =>
      waitForServerStatus(
        statsSocket,
        runOf(index).name,
        status,
        signal ?? AbortSignal.timeout(30_000),
      ),
    proxyOutput: () => proxy?.output() ?? '',
    stop: stopOnce,
  };
}

function isRunning(started: StartedChild): boolean {
  return started.child.exitCode === null && started.child.signalCode === null;
}

/** Waits for `started` to exit; SIGKILLs it when it has not within `milliseconds`. */
async function exitWithin(started: StartedChild, milliseconds: number): Promise<void> {
  const timer = setTimeout(() => started.child.kill('SIGKILL'), milliseconds);
  await started.exited;
  clearTimeout(timer);
}

/**
 * Creates a conversation through HAProxy, then stops its agent loop on the process that created
 * it (the stickiness cookie of the answer routes the stop there). Until conversations have one
 * owner across processes, two processes can each run a loop for the same conversation and collide
 * on its log; a conversation left without a loop gets one only where a client next talks to it.
 * Resolves with its id and the process that created it.
 */
export async function createStoppedConversation(
  proxyUrl: string,
): Promise<{ id: string; createdOn: string }> {
  const created = await fetch(`${proxyUrl}/api/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const body = await created.text();
  if (created.status !== 200) throw new Error(`creating a conversation: ${created.status} ${body}`);
  const id = (JSON.parse(body) as { conversation_id: string }).conversation_id;
  const createdOn = created.headers.get('x-parley-backend') ?? '';
  const stopped = await fetch(`${proxyUrl}/api/conversations/${id}/stop`, {
    method: 'POST',
    headers: { cookie: `SERVERID=${createdOn}` },
  });
  const stoppedBody = await stopped.text();
  const stoppedOn = stopped.headers.get('x-parley-backend');
  if (stopped.status !== 200 || stoppedOn !== createdOn) {
    throw new Error(
      `stopping ${id} on ${createdOn}: ${stopped.status} from ${stoppedOn} ${stoppedBody}`,
    );
  }
  return { id, createdOn };
}
