/**
 * deploy/compose.yaml mirrors what `npm run cluster` starts: the same number of Parley processes,
 * the same variables with the same values (those naming a place map by the rule the plan states),
 * the same HAProxy config and environment, the same entry point. No Docker daemon runs here, so
 * the file is read with a YAML parser and compared with the plan (scripts/cluster/plan.mjs).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findHaproxy } from '../../../../../scripts/cluster/children.mjs';
import {
  clusterDatabaseName,
  composeSite,
  defaultProcessCount,
  defaultProxyPort,
  haproxyConfigFile,
  localSite,
  maxProcesses,
  parleyMainFile,
  planCluster,
  repositoryRoot,
  siteVariables,
  type ClusterPlan,
} from '../../../../../scripts/cluster/plan.mjs';

const composeFile = join(repositoryRoot, 'deploy/compose.yaml');
const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
}

function readCompose(): { services: Record<string, ComposeService> } {
  // Merge keys: the Parley services share their build, volume and health check through `<<`.
  return parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
}

/** What `npm run cluster` plans with its defaults (the database URL, Redis and key as it finds them). */
function localPlan(): ClusterPlan {
  const directory = join(repositoryRoot, 'data/cluster');
  return planCluster({
    processes: defaultProcessCount,
    site: localSite({
      directory,
      proxyPort: defaultProxyPort,
      processPorts: [1, 2, 3].map((offset) => defaultProxyPort + offset),
      databaseUrl: `postgres://postgres@127.0.0.1:5432/${clusterDatabaseName}`,
      redisUrl: 'redis://127.0.0.1:6379',
      secretsKey: 'a'.repeat(64),
    }),
  });
}

const composePlan = planCluster({ processes: defaultProcessCount, site: composeSite() });

describe('deploy/compose.yaml agrees with npm run cluster', () => {
  const compose = readCompose();
  const parleyServices = Object.keys(compose.services).filter((name) => name.startsWith('parley-'));

  it('runs as many Parley processes, with the same names', () => {
    expect(parleyServices).toEqual(localPlan().processes.map((planned) => planned.name));
    expect(composePlan.processes).toHaveLength(defaultProcessCount);
  });

  it('gives each process exactly the planned variables and values', () => {
    for (const planned of composePlan.processes) {
      expect(compose.services[planned.name]?.environment, planned.name).toEqual(
        planned.environment,
      );
    }
  });

  it('differs from the local plan only in the variables naming a place, by the stated rule', () => {
    const local = localPlan();
    for (const [index, composeProcess] of composePlan.processes.entries()) {
      const localProcess = local.processes[index];
      if (localProcess === undefined) throw new Error(`no local process ${index}`);
      const localEnvironment = localProcess.environment;
      const composeEnvironment = composeProcess.environment;
      expect(Object.keys(composeEnvironment).sort()).toEqual(Object.keys(localEnvironment).sort());
      for (const [name, value] of Object.entries(localEnvironment)) {
        if (!siteVariables.includes(name)) expect(composeEnvironment[name], name).toBe(value);
      }
      // The rule: listen on every interface of the container, on 3000 …
      expect(localEnvironment['HOST']).toBe('127.0.0.1');
      expect(composeEnvironment['HOST']).toBe('0.0.0.0');
      expect(localEnvironment['PORT']).toBe(String(defaultProxyPort + 1 + index));
      expect(composeEnvironment['PORT']).toBe('3000');
      // … the same database and Redis, reached by service name instead of 127.0.0.1 …
      const localDatabase = new URL(localEnvironment['DATABASE_URL'] ?? '');
      // Compose fills in the password from deploy/.env.
      const composeDatabase = new URL(
        (composeEnvironment['DATABASE_URL'] ?? '').replace(/\$\{[^}]*\}/g, 'password'),
      );
      expect(composeDatabase.pathname).toBe(localDatabase.pathname);
      expect([localDatabase.hostname, composeDatabase.hostname]).toEqual(['127.0.0.1', 'postgres']);
      expect(composeDatabase.port).toBe(localDatabase.port);
      const localRedis = new URL(localEnvironment['REDIS_URL'] ?? '');
      const composeRedis = new URL(composeEnvironment['REDIS_URL'] ?? '');
      expect([localRedis.hostname, composeRedis.hostname]).toEqual(['127.0.0.1', 'redis']);
      expect(composeRedis.port).toBe(localRedis.port);
      // … the same layout under the data root (./data/cluster → /var/lib/parley) …
      const localRoot = join(repositoryRoot, 'data/cluster');
      for (const name of ['PARLEY_DATA_DIR', 'PARLEY_WORKSPACE_DIR']) {
        expect(relative('/var/lib/parley', composeEnvironment[name] ?? ''), name).toBe(
          relative(localRoot, localEnvironment[name] ?? ''),
        );
      }
      // … and one secrets key for all, from deploy/.env.
      expect(composeEnvironment['PARLEY_SECRETS_KEY']).toMatch(/^\$\{PARLEY_SECRETS_KEY:\?/);
    }
  });

  it('shares one secrets key, one database, one Redis and one workspace directory', () => {
    for (const plan of [localPlan(), composePlan]) {
      for (const name of [
        'PARLEY_SECRETS_KEY',
        'DATABASE_URL',
        'REDIS_URL',
        'PARLEY_WORKSPACE_DIR',
      ]) {
        expect(new Set(plan.processes.map((planned) => planned.environment[name])).size).toBe(1);
      }
      expect(
        new Set(plan.processes.map((planned) => planned.environment['PARLEY_DATA_DIR'])).size,
      ).toBe(plan.processes.length);
    }
  });

  it('gives HAProxy the same config file, command and planned environment', () => {
    const haproxy = compose.services['haproxy'];
    expect(haproxy?.environment).toEqual(composePlan.proxy.environment);
    const [source, target] = (haproxy?.volumes ?? [])[0]?.split(':') ?? [];
    expect(resolve(dirname(composeFile), source ?? '')).toBe(haproxyConfigFile);
    expect(haproxy?.command).toEqual(['haproxy', '-db', '-f', target]);
    expect(haproxy?.ports).toEqual([`${defaultProxyPort}:${defaultProxyPort}`]);
    expect(composePlan.proxy.environment['PARLEY_PROXY_BIND']).toBe(`:${defaultProxyPort}`);
  });

  it('builds every process from deploy/Dockerfile, which runs the same entry point', () => {
    for (const name of parleyServices) {
      const build = compose.services[name]?.build;
      expect(build, name).toBeDefined();
      const context = resolve(dirname(composeFile), build?.context ?? '');
      expect(resolve(context, build?.dockerfile ?? '')).toBe(
        join(repositoryRoot, 'deploy/Dockerfile'),
      );
    }
    const dockerfile = readFileSync(join(repositoryRoot, 'deploy/Dockerfile'), 'utf8');
    const command = /^CMD (.+)$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(command ?? '[]')).toEqual(['node', relative(repositoryRoot, parleyMainFile)]);
  });

  it('keeps one server line per allowed process in deploy/haproxy.cfg', () => {
    const config = readFileSync(haproxyConfigFile, 'utf8');
    const servers = [...config.matchAll(/^\s*server (parley-\d+) "\$\{PARLEY_SERVER_(\d+)\}"/gm)];
    expect(servers.map((match) => [match[1], match[2]])).toEqual(
      Array.from({ length: maxProcesses }, (_, index) => [`parley-${index + 1}`, `${index + 1}`]),
    );
  });
});

const haproxy = findHaproxy();
if (haproxy === undefined) {
  if (isCi) throw new Error('haproxy is not installed, and CI=true forbids skipping');
  console.warn('\n*** NOTICE: haproxy is not installed: its config check is SKIPPED. ***\n');
}

describe.skipIf(haproxy === undefined)('haproxy -c accepts deploy/haproxy.cfg', () => {
  const check = (environment: Record<string, string>) =>
    spawnSync(haproxy ?? 'haproxy', ['-c', '-f', haproxyConfigFile], {
      env: { PATH: process.env['PATH'] ?? '', ...environment },
      encoding: 'utf8',
    });

  it('with the compose plan and with every local process count', () => {
    expect(check(composePlan.proxy.environment).status).toBe(0);
    for (let processes = 1; processes <= maxProcesses; processes += 1) {
      const plan = planCluster({
        processes,
        site: localSite({
          directory: '/tmp/parley-cluster-check',
          proxyPort: 18_080,
          processPorts: Array.from({ length: processes }, (_, index) => 18_081 + index),
          databaseUrl: 'postgres://postgres@127.0.0.1:5432/parley_cluster',
          redisUrl: 'redis://127.0.0.1:6379',
          secretsKey: 'a'.repeat(64),
        }),
      });
      const result = check(plan.proxy.environment);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/WARNING|ALERT/);
    }
  });

  it('refuses to start without a frontend address', () => {
    const result = check({ PARLEY_SERVER_1: '127.0.0.1:18081' });
    expect(result.status).not.toBe(0);
  });

  it('refuses a process count the config has no server line for', () => {
    expect(() => planCluster({ processes: maxProcesses + 1, site: composeSite() })).toThrow(
      /1 to 9/,
    );
    expect(() => planCluster({ processes: 0, site: composeSite() })).toThrow(/1 to 9/);
  });
});
