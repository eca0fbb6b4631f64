#!/usr/bin/env node
// @ts-check
// `npm run cluster -- --processes 3 [--port 8080]`: a local Parley cluster to try by hand. N Parley
// processes on PostgreSQL and Redis behind HAProxy, as planned by scripts/cluster/plan.mjs (which
// deploy/compose.yaml mirrors). Ctrl-C or SIGTERM stops every process; a process that dies is
// reported and left dead (kill one to watch the others carry on).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  describeExit,
  findHaproxy,
  haproxyInstallCommand,
  startHaproxy,
  startParleyProcess,
} from './cluster/children.mjs';
import {
  checkRedis,
  ensureBuilt,
  ensureDatabase,
  readOrCreateSecretsKey,
  withoutPassword,
} from './cluster/prepare.mjs';
import {
  checkProcessCount,
  clusterDatabaseName,
  defaultProcessCount,
  defaultProxyPort,
  localSite,
  planCluster,
  repositoryRoot,
} from './cluster/plan.mjs';
import { waitForBackend } from './cluster/proxy-state.mjs';

const usage = `usage: npm run cluster -- [--processes N] [--port P] [--directory D] [--no-build]
  --processes N   Parley processes, 1 to 9 (default ${defaultProcessCount})
  --port P        HAProxy's port (default ${defaultProxyPort}); process i listens on P + i
  --directory D   data directories, shared secrets key and HAProxy's admin socket (default ./data/cluster)
  --no-build      do not build; fail if packages/server/dist is missing
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/${clusterDatabaseName}, created if missing),
REDIS_URL (default redis://127.0.0.1:6379) and PARLEY_SECRETS_KEY (default: generated into D/secrets.key)
are read from the environment, and PARLEY_HAPROXY_PATH (default: haproxy on PATH or in /usr/sbin);
every other variable passes through to the Parley processes.`;

/** @param {string} line */
const say = (line) => process.stdout.write(`[cluster] ${line}\n`);

/** @param {string[]} argv */
function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      processes: { type: 'string', default: String(defaultProcessCount) },
      port: { type: 'string', default: String(defaultProxyPort) },
      directory: { type: 'string', default: 'data/cluster' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const proxyPort = Number(values.port);
  const processes = checkProcessCount(Number(values.processes));
  if (!Number.isInteger(proxyPort) || proxyPort < 1 || proxyPort + processes > 65535) {
    throw new Error(
      `--port must be a port with ${processes} free ports after it, not ${values.port}`,
    );
  }
  return {
    help: values.help,
    processes,
    proxyPort,
    directory: resolve(values.directory),
    build: !values['no-build'],
  };
}

/** @param {string | undefined} value */
const setOrUndefined = (value) => (value === undefined || value === '' ? undefined : value);

async function main() {
  let options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `npm run cluster: ${error instanceof Error ? error.message : error}\n${usage}\n`,
    );
    return 1;
  }
  if (options.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const haproxy = findHaproxy();
  if (haproxy === undefined) {
    const explicit = setOrUndefined(process.env['PARLEY_HAPROXY_PATH']);
    const where = explicit === undefined ? '' : ` at ${explicit} (PARLEY_HAPROXY_PATH)`;
    process.stderr.write(
      `npm run cluster: HAProxy is not installed${where}: run ${haproxyInstallCommand}\n`,
    );
    return 1;
  }

  const databaseUrl =
    setOrUndefined(process.env['DATABASE_URL']) ??
    `postgres://postgres@127.0.0.1:5432/${clusterDatabaseName}`;
  const redisUrl = setOrUndefined(process.env['REDIS_URL']) ?? 'redis://127.0.0.1:6379';
  let secretsKey;
  try {
    ensureBuilt({ build: options.build, log: say });
    if (await ensureDatabase(databaseUrl))
      say(`created the database ${withoutPassword(databaseUrl)}`);
    await checkRedis(redisUrl);
    secretsKey =
      setOrUndefined(process.env['PARLEY_SECRETS_KEY']) ??
      readOrCreateSecretsKey(options.directory);
  } catch (error) {
    process.stderr.write(`npm run cluster: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }

  const plan = planCluster({
    processes: options.processes,
    site: localSite({
      directory: options.directory,
      proxyPort: options.proxyPort,
      processPorts: Array.from(
        { length: options.processes },
        (_, index) => options.proxyPort + 1 + index,
      ),
      databaseUrl,
      redisUrl,
      secretsKey,
    }),
  });
  return runCluster({ plan, haproxy, proxyPort: options.proxyPort, directory: options.directory });
}

/**
 * Starts the plan's processes (the first alone, so one applies the migrations, then the others)
 * and HAProxy; resolves with the exit code once everything has exited.
 * @param {{ plan: import('./cluster/plan.mjs').ClusterPlan, haproxy: string, proxyPort: number, directory: string }} options
 */
async function runCluster({ plan, haproxy, proxyPort, directory }) {
  /** @type {import('./cluster/children.mjs').StartedChild[]} */
  const children = [];
  const startup = new AbortController();
  let stopping = false;
  let failed = false;
  /** @type {(code: number) => void} */
  let finish = () => undefined;
  const finished = new Promise((resolveExit) => (finish = resolveExit));

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    startup.abort(new Error('stopping'));
    const parley = children.filter((child) => child.name !== 'haproxy');
    for (const child of parley) child.child.kill('SIGTERM');
    await Promise.all(parley.map((child) => child.exited));
    for (const child of children) child.child.kill('SIGTERM');
    await Promise.all(children.map((child) => child.exited));
    say('every process has exited');
    finish(failed ? 1 : 0);
  };
  // A second signal changes nothing: under `npm run`, Ctrl-C reaches this process twice (from the
  // terminal and forwarded by npm), and each Parley process bounds its own shutdown
  // (PARLEY_SHUTDOWN_TIMEOUT_MS) while HAProxy stops at once.
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    if (stopping) return;
    say(`${signal}: stopping every process`);
    void stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  /** @param {import('./cluster/children.mjs').StartedChild} started */
  const watch = (started) => {
    children.push(started);
    void started.exited.then((exit) => {
      if (stopping) return;
      failed = true;
      say(`${started.name} exited unexpectedly (${describeExit(exit)}); it is not restarted`);
      const parleyLeft = children.some(
        (child) =>
          child.name !== 'haproxy' &&
          child.child.exitCode === null &&
          child.child.signalCode === null,
      );
      if (started.name === 'haproxy' || !parleyLeft) {
        say(
          started.name === 'haproxy'
            ? 'without HAProxy the cluster is unreachable: stopping'
            : 'no Parley process is left: stopping',
        );
        void stop();
      }
    });
  };

  const baseEnvironment = /** @type {Record<string, string>} */ ({ ...process.env });
  const prefixed = (/** @type {string} */ name) => (/** @type {string} */ line) =>
    process.stdout.write(`[${name}] ${line}\n`);
  /** @param {import('./cluster/plan.mjs').PlannedProcess} planned */
  const startOne = async (planned) => {
    const started = await startParleyProcess({
      name: planned.name,
      environment: planned.environment,
      baseEnvironment,
      cwd: repositoryRoot,
      detached: true,
      onLine: prefixed(planned.name),
      signal: startup.signal,
      onSpawn: watch,
    });
    say(`${planned.name} (pid ${started.pid}) serves ${started.url}`);
  };

  try {
    const [first, ...others] = plan.processes;
    if (first !== undefined) await startOne(first);
    await Promise.all(others.map(startOne));
    const proxy = startHaproxy({
      haproxy,
      configFile: plan.proxy.configFile,
      environment: plan.proxy.environment,
      baseEnvironment,
      cwd: repositoryRoot,
      detached: true,
      onLine: prefixed('haproxy'),
    });
    watch(proxy);
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    for (const planned of plan.processes)
      await waitForBackend(proxyUrl, planned.name, startup.signal);
    say(
      `haproxy (pid ${proxy.pid}) admin socket: echo "show stat" | socat stdio ${directory}/haproxy.sock`,
    );
    const count = plan.processes.length;
    say(
      `Parley cluster: ${count} ${count === 1 ? 'process' : 'processes'} behind ${proxyUrl} (Ctrl-C stops them)`,
    );
  } catch (error) {
    if (!stopping) {
      failed = true;
      say(`starting the cluster failed: ${error instanceof Error ? error.message : error}`);
      void stop();
    }
  }
  return finished;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`npm run cluster: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
