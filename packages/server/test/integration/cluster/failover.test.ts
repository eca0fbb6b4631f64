/**
 * Failover against real processes: three Parley processes on PostgreSQL and Redis behind HAProxy,
 * clients of both faces spread over them through the proxy, reconnecting at random. The owner of
 * a streaming conversation is killed (SIGKILL) or frozen past its lease (SIGSTOP, then SIGCONT):
 * every acknowledged message is in the log once, every client's de-duplicated stream is an
 * ordered, gap-free slice of the log, a new owner answers, and a frozen owner's appends stop at
 * the takeover.
 */
import { tmpdir } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../../support/cluster.js';
import { clusterPrerequisites } from '../../support/cluster-prerequisites.js';
import { checkHistory } from '../../reliability/check-history.js';
import { History } from '../../reliability/history.js';
import { readStoredLogs } from '../../reliability/log-reader.js';
import { ResumingClient } from '../../reliability/stream-clients.js';

const available = await clusterPrerequisites();
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * Waits for `check`; the bound only turns a hang into a failure naming `what`, with what
 * `explain` says about the state it was left in.
 */
async function until(
  check: () => Promise<boolean>,
  what: string,
  explain: () => Promise<string> = async () => '',
  bound = 120_000,
): Promise<void> {
  const end = Date.now() + bound;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`never happened: ${what}\n${await explain()}`);
    await sleep(100);
  }
}

interface Row {
  id: number;
  payload: Record<string, unknown>;
}

describe.skipIf(!available)('failover: three processes behind HAProxy', () => {
  let cluster: TestCluster;
  let database: pg.Client;

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 3,
      environment: () => ({
        PARLEY_LEASE_TTL_MS: '2000',
        PARLEY_LEASE_RENEW_MS: '400',
        PARLEY_TAKEOVER_INTERVAL_MS: '300',
        PARLEY_CATCH_UP_INTERVAL_MS: '200',
        // A demo answer streams for a few seconds: the fault lands mid-turn.
        PARLEY_DEMO_TOKEN_DELAY_MS: '60',
      }),
    });
    database = new pg.Client({ connectionString: cluster.databaseUrl });
    await database.connect();
  }, 180_000);
  afterAll(async () => {
    await database?.end();
    await cluster?.stop();
  });

  async function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${cluster.proxyUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function events(conversationId: string): Promise<Row[]> {
    const result = await database.query<{ id: string; payload: string }>(
      'SELECT id, payload FROM events WHERE conversation_id = $1 ORDER BY id',
      [conversationId],
    );
    return result.rows.map((row) => ({ id: Number(row.id), payload: JSON.parse(row.payload) }));
  }

  function stateOf(row: Row): string | undefined {
    if (row.payload['observation'] !== 'agent_state_changed') return undefined;
    return String((row.payload['extras'] as Record<string, unknown>)['agent_state']);
  }

  async function owner(conversationId: string): Promise<string | undefined> {
    const result = await database.query<{ owner: string }>(
      `SELECT owner FROM conversation_leases WHERE conversation_id = $1 AND owner <> ''`,
      [conversationId],
    );
    return result.rows[0]?.owner;
  }

  function processIndexOf(instanceId: string | undefined): number {
    return cluster.processes.findIndex((process) => process.instanceId === instanceId);
  }

  /** Sends a message through the proxy until a process acknowledges it (one may be dying). */
  async function sendMessage(history: History, conversationId: string, label: string) {
    for (;;) {
      const token = history.token(label);
      const operation = await history.record('writer', conversationId, token, async () => {
        const response = await post(`/api/conversations/${conversationId}/message`, {
          message: `please answer ${token}`,
        });
        await response.arrayBuffer();
        return { acknowledged: response.status === 200, detail: String(response.status) };
      });
      if (operation.result === 'ok') return token;
      await sleep(200);
    }
  }

  it('SIGKILL of the owner mid-turn, five times: nothing lost, every stream gap-free, a new owner answers', async () => {
    const created = await post('/api/conversations', {});
    const { conversation_id: conversationId } = (await created.json()) as {
      conversation_id: string;
    };
    const history = new History();
    const clients = Array.from({ length: 30 }, (_, index) => {
      const face = index % 2 === 0 ? 'socket.io' : 'v1';
      const stream = history.stream(`client-${index}`, conversationId, face, index % 3 === 0);
      return new ResumingClient(stream, { baseUrl: cluster.proxyUrl });
    });
    let running = true;
    // Each client reconnects through the proxy whenever its session ends, and now and then drops
    // its connection on purpose; a session cut by a killed process resumes on another one.
    const keepers = clients.map(async (client, index) => {
      while (running) {
        if (!client.connected) {
          await client.connect().catch(() => undefined);
          if (!client.connected) {
            await sleep(100);
            continue;
          }
        }
        await Promise.race([client.untilEnded(), sleep(1500 + ((index * 397) % 2500))]);
        if (running && client.connected && Math.random() < 0.3) client.disconnect();
      }
    });

    for (let round = 1; round <= 5; round++) {
      await sendMessage(history, conversationId, `round-${round}`);
      await until(async () => {
        const rows = await events(conversationId);
        const deltas = rows.filter((row) => 'streaming_delta' in row.payload).length;
        return (
          stateOf(rows.findLast((row) => stateOf(row) !== undefined) as Row) === 'running' &&
          deltas > 0
        );
      }, `round ${round}: the turn streams`);
      const killedOwner = await owner(conversationId);
      const index = processIndexOf(killedOwner);
      expect(index).toBeGreaterThanOrEqual(0);
      await cluster.kill(index, 'SIGKILL');
      // The next message finds a new owner, which first records the cut turn.
      const token = await sendMessage(history, conversationId, `after-kill-${round}`);
      await until(
        async () => {
          const rows = await events(conversationId);
          const asked = rows.find((row) => JSON.stringify(row.payload).includes(token));
          return (
            asked !== undefined &&
            rows.some(
              (row) =>
                row.id > asked.id &&
                stateOf(row) === 'running' &&
                row.payload['cause'] === asked.id,
            ) &&
            stateOf(rows[rows.length - 1] as Row) === 'awaiting_user_input'
          );
        },
        `round ${round}: the message after the kill is answered`,
        async () => {
          const rows = await events(conversationId);
          const leases = await database.query('SELECT * FROM conversation_leases');
          const tail = rows.slice(-12).map((row) => {
            const kind = String(row.payload['action'] ?? row.payload['observation'] ?? 'delta');
            return `${row.id} ${row.payload['source']} ${kind} ${stateOf(row) ?? ''} cause=${String(row.payload['cause'])}`;
          });
          const outputs = cluster.processes.map(
            (each) => `${each.name}: ${each.output().slice(-1500)}`,
          );
          return [...tail, JSON.stringify(leases.rows), ...outputs].join('\n');
        },
      );
      const newOwner = await owner(conversationId);
      expect(newOwner).not.toBe(killedOwner);
      const rows = await events(conversationId);
      expect(
        rows.some(
          (row) => stateOf(row) === 'error' && JSON.stringify(row.payload).includes('interrupted'),
        ),
      ).toBe(true);
      await cluster.restart(index);
    }

    running = false;
    await Promise.all(keepers);
    const logs = await readStoredLogs({
      databaseUrl: cluster.databaseUrl,
      dataDirectory: tmpdir(),
    });
    const head = (logs.logs.get(conversationId)?.length ?? 0) - 1;
    for (const client of clients) {
      if (!client.connected) await client.connect();
      await client.untilId(head);
      client.disconnect();
    }
    const result = checkHistory(history, logs.logs);
    expect(result.lost).toEqual([]);
    expect(result.duplicated).toEqual([]);
    expect(result.logGaps).toEqual([]);
    expect(result.streamFaults).toEqual([]);
  }, 900_000);

  it('an owner frozen past its lease is fenced: after the takeover nothing of its generation is appended', async () => {
    const created = await post('/api/conversations', {});
    const { conversation_id: conversationId } = (await created.json()) as {
      conversation_id: string;
    };
    const history = new History();
    await sendMessage(history, conversationId, 'before-freeze');
    await until(async () => {
      const rows = await events(conversationId);
      return rows.some((row) => 'streaming_delta' in row.payload);
    }, 'the turn streams');
    const frozenOwner = await owner(conversationId);
    const index = processIndexOf(frozenOwner);
    await cluster.kill(index, 'SIGSTOP');
    // Another process takes over once the lease lapses; the next message is answered there.
    const token = await sendMessage(history, conversationId, 'while-frozen');
    await until(async () => (await owner(conversationId)) !== frozenOwner, 'a takeover');
    await cluster.kill(index, 'SIGCONT');
    await until(async () => {
      const rows = await events(conversationId);
      const asked = rows.find((row) => JSON.stringify(row.payload).includes(token));
      return (
        asked !== undefined &&
        stateOf(rows[rows.length - 1] as Row) === 'awaiting_user_input' &&
        rows.some((row) => row.payload['cause'] === asked.id)
      );
    }, 'the message sent while the owner was frozen is answered');
    // The woken process's turn appended nothing after the takeover: every agent event after it
    // answers the new message (its deltas follow the new owner's `running`).
    const rows = await events(conversationId);
    // The new generation's first event: the cut turn recorded as interrupted.
    const takenAt = rows.findIndex(
      (row) => stateOf(row) === 'error' && JSON.stringify(row.payload).includes('interrupted'),
    );
    expect(takenAt).toBeGreaterThan(0);
    const after = rows.slice(takenAt);
    const newRunning = after.find((row) => stateOf(row) === 'running');
    expect(newRunning).toBeDefined();
    const beforeNewTurn = after.filter((row) => row.id < (newRunning as Row).id);
    expect(beforeNewTurn.filter((row) => 'streaming_delta' in row.payload)).toEqual([]);
    expect(await owner(conversationId)).not.toBe(frozenOwner);
    // The woken process dropped the loop and serves on (its /alive answers).
    const alive = await fetch(`${cluster.processes[index]?.url}/alive`);
    expect(alive.status).toBe(200);
    const logs = await readStoredLogs({
      databaseUrl: cluster.databaseUrl,
      dataDirectory: tmpdir(),
    });
    const result = checkHistory(history, logs.logs);
    expect(result.lost).toEqual([]);
    expect(result.logGaps).toEqual([]);
  }, 300_000);
});
