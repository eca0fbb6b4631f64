/**
 * HAProxy's health checks (GET /alive) against three real Parley processes: a killed, stopped or
 * hung process leaves rotation while requests keep succeeding on the others, and comes back when
 * it serves again. Also checks that the harness's `stop` leaves nothing behind.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStoppedConversation,
  startCluster,
  type TestCluster,
} from '../../support/cluster.js';
import { clusterPrerequisites } from '../../support/cluster-prerequisites.js';
import { V1TestClient } from '../../support/realtime-clients.js';
import { postgresAdminUrl } from '../../support/test-databases.js';

const available = await clusterPrerequisites();

/** `count` requests through HAProxy (with `cookie` when given); resolves with who answered each. */
async function requestsThrough(
  cluster: TestCluster,
  path: string,
  count: number,
  cookie?: string,
): Promise<{ status: number; backend: string | null }[]> {
  const answers = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(`${cluster.proxyUrl}${path}`, {
      headers: cookie === undefined ? {} : { cookie },
    });
    await response.arrayBuffer();
    answers.push({ status: response.status, backend: response.headers.get('x-parley-backend') });
  }
  return answers;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Databases this test process's harness created (their names carry its pid). */
async function harnessDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    const found = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`parley_cluster_${process.pid}_%`],
    );
    return found.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

async function databaseExists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return found.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe.skipIf(!available)(
  'health checks through HAProxy, three Parley processes',
  { timeout: 90_000 },
  () => {
    let cluster: TestCluster;

    beforeAll(async () => {
      cluster = await startCluster({ processes: 3 });
    }, 90_000);
    afterAll(() => cluster?.stop());

    it('starts with every process in rotation, each answering through HAProxy', async () => {
      const stats = await cluster.serverStats();
      expect([...stats.keys()]).toEqual(['parley-1', 'parley-2', 'parley-3']);
      // UP, or "UP 1/3" when one check of a busy machine was slow: still in rotation.
      for (const stat of stats.values()) expect(stat.status).toMatch(/^UP/);
      for (const name of stats.keys()) {
        expect(await requestsThrough(cluster, '/alive', 1, `SERVERID=${name}`)).toEqual([
          { status: 200, backend: name },
        ]);
      }
    });

    it('keeps serving when a process is SIGKILLed, marks it DOWN, and takes it back after a restart', async () => {
      expect(await cluster.kill(1, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

      // Right away, before any health check has noticed: a request sent to the dead process is
      // retried on another, so every request succeeds.
      const rightAway = [
        ...(await requestsThrough(cluster, '/api/conversations', 6)),
        ...(await requestsThrough(cluster, '/alive', 3, 'SERVERID=parley-2')),
      ];
      for (const answer of rightAway) {
        expect(answer.status).toBe(200);
        expect(['parley-1', 'parley-3']).toContain(answer.backend);
      }

      await cluster.waitForStatus(1, 'DOWN');
      expect(cluster.proxyOutput()).toMatch(/Server parley\/parley-2 is DOWN/);
      const whileDown = await requestsThrough(cluster, '/api/conversations', 4);
      expect(whileDown.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect(new Set(whileDown.map((answer) => answer.backend))).toEqual(
        new Set(['parley-1', 'parley-3']),
      );

      await cluster.restart(1);
      await cluster.waitForStatus(1, 'UP');
      const back = await requestsThrough(cluster, '/alive', 1, 'SERVERID=parley-2');
      expect(back).toEqual([{ status: 200, backend: 'parley-2' }]);
    });

    it('lets a process stopped with SIGTERM leave cleanly while the others serve', async () => {
      expect(await cluster.kill(2, 'SIGTERM')).toEqual({ code: 0, signal: null });
      const answers = await requestsThrough(cluster, '/api/conversations', 4);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect(answers.map((answer) => answer.backend)).not.toContain('parley-3');
      await cluster.waitForStatus(2, 'DOWN');
      await cluster.restart(2);
      await cluster.waitForStatus(2, 'UP');
    });

    it('marks a hung process (SIGSTOP) DOWN when its checks time out, and UP after SIGCONT', async () => {
      await cluster.kill(0, 'SIGSTOP');
      try {
        await cluster.waitForStatus(0, 'DOWN');
        expect(cluster.proxyOutput()).toMatch(/Server parley\/parley-1 is DOWN/);
        // Out of rotation, it gets no requests: these are answered by the others.
        const answers = await requestsThrough(cluster, '/api/conversations', 4);
        expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
        expect(answers.map((answer) => answer.backend)).not.toContain('parley-1');
      } finally {
        await cluster.kill(0, 'SIGCONT');
      }
      await cluster.waitForStatus(0, 'UP');
    });

    it('closes a socket whose process dies; the client reconnects through HAProxy to a live one', async () => {
      const { id } = await createStoppedConversation(cluster.proxyUrl);
      const socketUrl = `${cluster.proxyUrl.replace('http:', 'ws:')}/sockets/events/${id}?resend_all=true`;
      const cookie = { cookie: 'SERVERID=parley-3' };

      const first = new V1TestClient(socketUrl, cookie);
      await first.untilOpen();
      await first.changes.until(() => first.snapshots.length === 1);
      await cluster.kill(2, 'SIGKILL');
      await first.untilClosed();
      expect(first.closeCode).toBe(1006);

      // The same stickiness cookie, now naming a dead process: HAProxy sends it elsewhere, and the
      // log (shared in PostgreSQL) replays there.
      const second = new V1TestClient(socketUrl, cookie);
      try {
        await second.untilOpen();
        await second.changes.until(() => second.snapshots.length === 1 && second.ids.includes(0));
        expect(second.ids[0]).toBe(0);
      } finally {
        second.close();
      }
      await cluster.restart(2);
    });

    it('stop ends every process and HAProxy, drops the database and removes the directory', async () => {
      const pids = cluster.processes.map((process) => process.pid);
      expect(pids.every((pid) => pid !== undefined && processExists(pid))).toBe(true);
      expect(await databaseExists(cluster.databaseUrl)).toBe(true);
      const directory = dirname(cluster.statsSocket);

      await cluster.stop();

      for (const pid of pids) expect(processExists(pid ?? -1)).toBe(false);
      expect(cluster.processes.map((process) => process.running)).toEqual([false, false, false]);
      expect(await databaseExists(cluster.databaseUrl)).toBe(false);
      expect(existsSync(directory)).toBe(false);
      await expect(fetch(`${cluster.proxyUrl}/alive`)).rejects.toThrow();
    });

    it('cleans up after a start that fails, and says why', async () => {
      await expect(
        startCluster({ processes: 2, environment: () => ({ LOG_LEVEL: 'chatty' }) }),
      ).rejects.toThrow(/parley-1 exited \(code 1\) before it was ready:[\s\S]*LOG_LEVEL/);
      expect(await harnessDatabases()).toEqual([]);
    });
  },
);
