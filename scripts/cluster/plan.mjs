// @ts-check
// The plan of a Parley cluster: which processes run, with which environment, and what HAProxy is
// told. `npm run cluster` (scripts/cluster.mjs), the test harness
// (packages/server/test/support/cluster.ts) and the agreement test of deploy/compose.yaml all
// read it from here, so the three cannot drift apart.
import { fileURLToPath } from 'node:url';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const parleyMainFile = fileURLToPath(
  new URL('../../packages/server/dist/main.js', import.meta.url),
);
export const haproxyConfigFile = fileURLToPath(
  new URL('../../deploy/haproxy.cfg', import.meta.url),
);

/** deploy/haproxy.cfg has one `server` line per PARLEY_SERVER_n, n = 1 … this. */
export const maxProcesses = 9;

/** What `npm run cluster` and deploy/compose.yaml start when told nothing else. */
export const defaultProcessCount = 3;
export const defaultProxyPort = 8080;
export const clusterDatabaseName = 'parley_cluster';

/**
 * The variables whose values name a place: an address, a port, a path or the secrets key. Each
 * site (this machine, Docker Compose, a test's temporary directory) sets its own values for them;
 * every other variable of a process must be the same wherever the cluster runs.
 */
export const siteVariables = Object.freeze([
  'HOST',
  'PORT',
  'DATABASE_URL',
  'REDIS_URL',
  'PARLEY_SECRETS_KEY',
  'PARLEY_DATA_DIR',
  'PARLEY_WORKSPACE_DIR',
]);

/**
 * Where a cluster runs: the values of the site variables for each process, and HAProxy's.
 * @typedef {object} ClusterSite
 * @property {string} listenHost HOST of every process
 * @property {(index: number) => number} portOf PORT of process `index` (0-based)
 * @property {(index: number) => string} serverAddressOf how HAProxy reaches process `index` (host:port)
 * @property {(index: number) => string} dataDirectoryOf PARLEY_DATA_DIR of process `index`
 * @property {string} workspaceDirectory PARLEY_WORKSPACE_DIR, one for all (workspaces are local to a host)
 * @property {string} databaseUrl DATABASE_URL, one PostgreSQL database for all
 * @property {string} redisUrl REDIS_URL
 * @property {string} secretsKey PARLEY_SECRETS_KEY, one for all (64 hex digits)
 * @property {string} proxyBind HAProxy's frontend address, host:port
 * @property {string} [statsSocket] HAProxy's admin socket
 * @property {string} [dns] a DNS server HAProxy re-resolves server names with
 */

/**
 * @typedef {object} PlannedProcess
 * @property {string} name parley-1, parley-2 … (HAProxy's server name and stickiness cookie too)
 * @property {number} index 0-based
 * @property {number} port
 * @property {Record<string, string>} environment
 */

/**
 * @typedef {object} PlannedProxy
 * @property {string} configFile deploy/haproxy.cfg
 * @property {Record<string, string>} environment what the config expands
 */

/**
 * @typedef {object} ClusterPlan
 * @property {PlannedProcess[]} processes
 * @property {PlannedProxy} proxy
 */

/**
 * The name of process `index` (0-based): parley-1, parley-2 …
 * @param {number} index
 */
export function processName(index) {
  return `parley-${index + 1}`;
}

/**
 * Checks a process count given by a user; returns it or throws with a one-line reason.
 * @param {number} count
 */
export function checkProcessCount(count) {
  if (!Number.isInteger(count) || count < 1 || count > maxProcesses) {
    throw new Error(
      `the number of processes must be 1 to ${maxProcesses} (deploy/haproxy.cfg has ${maxProcesses} server lines; add more there to go further), not ${count}`,
    );
  }
  return count;
}

/**
 * The cluster: `processes` Parley processes on `site`, each with the site's values plus
 * `extraEnvironment(index)` (which wins), and HAProxy's environment.
 * @param {{ processes: number, site: ClusterSite, extraEnvironment?: (index: number) => Record<string, string> }} options
 * @returns {ClusterPlan}
 */
export function planCluster({ processes, site, extraEnvironment = () => ({}) }) {
  checkProcessCount(processes);
  const indexes = Array.from({ length: processes }, (_, index) => index);
  return {
    processes: indexes.map((index) => ({
      name: processName(index),
      index,
      port: site.portOf(index),
      environment: {
        HOST: site.listenHost,
        PORT: String(site.portOf(index)),
        DATABASE_URL: site.databaseUrl,
        REDIS_URL: site.redisUrl,
        PARLEY_SECRETS_KEY: site.secretsKey,
        PARLEY_DATA_DIR: site.dataDirectoryOf(index),
        PARLEY_WORKSPACE_DIR: site.workspaceDirectory,
        ...extraEnvironment(index),
      },
    })),
    proxy: {
      configFile: haproxyConfigFile,
      environment: {
        PARLEY_PROXY_BIND: site.proxyBind,
        ...Object.fromEntries(
          indexes.map((index) => [`PARLEY_SERVER_${index + 1}`, site.serverAddressOf(index)]),
        ),
        ...(site.statsSocket === undefined ? {} : { PARLEY_PROXY_STATS_SOCKET: site.statsSocket }),
        ...(site.dns === undefined ? {} : { PARLEY_PROXY_DNS: site.dns }),
      },
    },
  };
}

/**
 * This machine: HAProxy on 127.0.0.1:`proxyPort`, process i on the port `processPorts[i]`
 * (`npm run cluster`: the proxy's port + 1 + i), everything kept under `directory`.
 * @param {{ directory: string, proxyPort: number, processPorts: number[], databaseUrl: string, redisUrl: string, secretsKey: string }} options
 * @returns {ClusterSite}
 */
export function localSite(options) {
  const host = '127.0.0.1';
  const portOf = (/** @type {number} */ index) => {
    const port = options.processPorts[index];
    if (port === undefined) throw new Error(`no port planned for ${processName(index)}`);
    return port;
  };
  return {
    listenHost: host,
    portOf,
    serverAddressOf: (index) => `${host}:${portOf(index)}`,
    dataDirectoryOf: (index) => `${options.directory}/${processName(index)}`,
    workspaceDirectory: `${options.directory}/workspaces`,
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    secretsKey: options.secretsKey,
    proxyBind: `${host}:${options.proxyPort}`,
    statsSocket: `${options.directory}/haproxy.sock`,
  };
}

/** The secrets key in deploy/compose.yaml: Compose takes it from deploy/.env or the shell. */
export const composeSecretsKey =
  '${PARLEY_SECRETS_KEY:?set PARLEY_SECRETS_KEY to 64 hex digits (openssl rand -hex 32) in deploy/.env}';

/** The PostgreSQL password in deploy/compose.yaml, from deploy/.env or the shell. */
export const composePostgresPassword = '${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deploy/.env}';

/**
 * Docker Compose (deploy/compose.yaml): each process is the service parley-i in its own container,
 * listening on 0.0.0.0:3000; PostgreSQL, Redis and HAProxy are services too, reached by name; all
 * data lives in one volume at /var/lib/parley.
 * @returns {ClusterSite}
 */
export function composeSite() {
  return {
    listenHost: '0.0.0.0',
    portOf: () => 3000,
    serverAddressOf: (index) => `${processName(index)}:3000`,
    dataDirectoryOf: (index) => `/var/lib/parley/${processName(index)}`,
    workspaceDirectory: '/var/lib/parley/workspaces',
    databaseUrl: `postgres://parley:${composePostgresPassword}@postgres:5432/${clusterDatabaseName}`,
    redisUrl: 'redis://redis:6379',
    secretsKey: composeSecretsKey,
    proxyBind: `:${defaultProxyPort}`,
    statsSocket: '/tmp/haproxy.sock',
    dns: '127.0.0.11:53',
  };
}
