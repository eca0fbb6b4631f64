/**
 * Two Parley apps in one test process on one PostgreSQL database and a Redis of their own: the
 * cluster's rules at the level a client meets them (REST, Socket.IO), without process faults
 * (those are in the process-level cluster tests): fan-out across processes, one owner per
 * conversation reached from anywhere, a stop sent to the other process, fencing, takeover.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createApp, type App } from '../../../src/app.js';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import type { Database } from '../../../src/storage/database.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../support/fake-llm-server.js';
import { HeaderUserAuth, testUserHeader } from '../../support/header-user-auth.js';
import { SocketIoTestClient } from '../../support/realtime-clients.js';
import { request } from '../../support/test-api.js';
import { createTestConfig } from '../../support/test-config.js';
import { testDatabaseBackends, type TestDatabase } from '../../support/test-databases.js';
import { redisIsAvailable } from '../../support/test-redis.js';
import { PrivateRedis } from '../../reliability/private-redis.js';

const postgres = (await testDatabaseBackends()).find((backend) => backend.name === 'postgres');
const redisAvailable = await redisIsAvailable();
const user = { [testUserHeader]: 'alice' };

function stateOf(event: StoredEvent): string | undefined {
  return 'observation' in event && event.observation === 'agent_state_changed'
    ? String((event.extras as { agent_state?: string }).agent_state)
    : undefined;
}

describe.skipIf(postgres?.available !== true || !redisAvailable)(
  'two processes on one database (PostgreSQL + Redis)',
  () => {
    let testDatabase: TestDatabase;
    let redis: PrivateRedis;
    let llm: FakeLlmServer;
    const opened: { app: App; database: Database }[] = [];
    const clients: SocketIoTestClient[] = [];

    async function startApp(
      instanceId: string,
      env: Record<string, string> = {},
    ): Promise<{ app: App; url: string }> {
      const database = await testDatabase.reopen();
      const config = createTestConfig({
        DATABASE_URL: testDatabase.location,
        REDIS_URL: redis.url,
        PARLEY_INSTANCE_ID: instanceId,
        PARLEY_LEASE_TTL_MS: '1500',
        PARLEY_LEASE_RENEW_MS: '300',
        PARLEY_TAKEOVER_INTERVAL_MS: '200',
        PARLEY_CATCH_UP_INTERVAL_MS: '100',
        PARLEY_RATE_LIMIT_PER_SECOND: '0',
        LLM_MODEL: 'openai/gpt-test',
        LLM_BASE_URL: llm.baseUrl,
        LLM_API_KEY: 'sk-test-key',
        LLM_NUM_RETRIES: '1',
        PARLEY_TITLE_FROM_LLM: 'false',
        ...env,
      });
      const app = await createApp(config, {
        database,
        logger: createSilentLogger(),
        userAuth: new HeaderUserAuth(),
      });
      opened.push({ app, database });
      const { port } = await app.listen();
      return { app, url: `http://127.0.0.1:${port}` };
    }

    async function log(app: App, conversationId: string): Promise<StoredEvent[]> {
      return (await app.eventStore.search(conversationId)).events;
    }

    /** Resolves with the log once `predicate` holds (looked at after each commit and poll). */
    async function untilLog(
      app: App,
      conversationId: string,
      predicate: (events: StoredEvent[]) => boolean,
    ): Promise<StoredEvent[]> {
      for (let attempt = 0; attempt < 600; attempt++) {
        const events = await log(app, conversationId);
        if (predicate(events)) return events;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the log of ${conversationId} never reached the expected state`);
    }

    function connect(url: string, conversationId: string): Promise<SocketIoTestClient> {
      const client = new SocketIoTestClient(
        url,
        { conversation_id: conversationId, latest_event_id: '-1' },
        user,
      );
      clients.push(client);
      return client.connected().then(() => client);
    }

    beforeAll(async () => {
      redis = await PrivateRedis.start();
      llm = await startFakeLlmServer();
    });
    afterAll(async () => {
      await llm.close();
      await redis.kill();
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      for (const { app, database } of opened.splice(0)) {
        await app.close().catch(() => undefined);
        await database.close().catch(() => undefined);
      }
      llm.clearQueue();
      await testDatabase?.cleanup();
    });

    it('a message sent to the other process is answered by the owner, and its client sees every event in order', async () => {
      testDatabase = await (postgres as NonNullable<typeof postgres>).create();
      const a = await startApp('process-a');
      const b = await startApp('process-b');
      const created = await request(a.app, 'POST', '/api/conversations', {
        payload: {},
        headers: user,
      });
      const conversationId = (created.body as { conversation_id: string }).conversation_id;
      const watcher = await connect(b.url, conversationId);
      const ownerWatcher = await connect(a.url, conversationId);
      llm.enqueue({ kind: 'reply', text: 'answered by the owner' });
      const sent = await request(b.app, 'POST', `/api/conversations/${conversationId}/message`, {
        payload: { message: 'hello from b' },
        headers: user,
      });
      expect(sent.status).toBe(200);
      const events = await untilLog(a.app, conversationId, (all) =>
        all.some((event) => stateOf(event) === 'awaiting_user_input' && event.id > 2),
      );
      // The loop runs where the lease is: on a, never on b.
      expect(a.app.conversationManager?.loop(conversationId)).toBeDefined();
      expect(b.app.conversationManager?.loop(conversationId)).toBeUndefined();
      const reply = events.find(
        (event) => event.source === 'agent' && 'action' in event && event.action === 'message',
      );
      expect(JSON.stringify(reply)).toContain('answered by the owner');
      const lastId = events[events.length - 1]?.id ?? -1;
      await watcher.untilId(lastId);
      await ownerWatcher.untilId(lastId);
      // The client of the other process gets exactly what a client of the owner gets.
      expect(watcher.ids).toEqual(ownerWatcher.ids);
      expect(watcher.ids).toContain(reply?.id);
      expect([...watcher.ids].sort((x, y) => x - y)).toEqual(watcher.ids);
    });

    it('a stop sent to the process that is not the owner aborts the owner’s LLM request', async () => {
      testDatabase = await (postgres as NonNullable<typeof postgres>).create();
      const a = await startApp('process-a');
      const b = await startApp('process-b');
      llm.enqueue({ kind: 'gated', afterChunks: 1, thenChunks: 3 });
      const created = await request(a.app, 'POST', '/api/conversations', {
        payload: { initial_user_msg: 'start streaming' },
        headers: user,
      });
      const conversationId = (created.body as { conversation_id: string }).conversation_id;
      const llmRequest = await llm.waitForRequest(llm.requests.length);
      await untilLog(a.app, conversationId, (all) => all.some((e) => stateOf(e) === 'running'));
      const stopped = await request(b.app, 'POST', `/api/conversations/${conversationId}/stop`, {
        headers: user,
      });
      expect(stopped.status).toBe(200);
      await llmRequest.socketClosed;
      llmRequest.release();
      const events = await untilLog(a.app, conversationId, (all) =>
        all.some((e) => stateOf(e) === 'stopped'),
      );
      const stoppedAt = events.findIndex((event) => stateOf(event) === 'stopped');
      // The user's stop is in the log before the stop; nothing of the turn follows it.
      expect(events.slice(0, stoppedAt).some((e) => 'action' in e && e.source === 'user')).toBe(
        true,
      );
      expect(events.slice(stoppedAt + 1).filter((e) => e.source === 'agent')).toEqual([]);
      expect(llmRequest.chunksWritten).toBe(1);
    });

    it('an owner whose lease was taken has its appends refused and drops its loop and LLM request', async () => {
      testDatabase = await (postgres as NonNullable<typeof postgres>).create();
      const a = await startApp('process-a');
      llm.enqueue({ kind: 'gated', afterChunks: 1, thenChunks: 3 });
      const created = await request(a.app, 'POST', '/api/conversations', {
        payload: { initial_user_msg: 'stream something' },
        headers: user,
      });
      const conversationId = (created.body as { conversation_id: string }).conversation_id;
      const llmRequest = await llm.waitForRequest(llm.requests.length);
      await untilLog(a.app, conversationId, (all) => all.some((e) => stateOf(e) === 'running'));
      // Another process takes the lease (as a takeover after a pause past expiry would).
      await sql`update conversation_leases set owner = 'thief', generation = generation + 1,
        expires_at = (extract(epoch from clock_timestamp()) * 1000)::bigint + 600000
        where conversation_id = ${conversationId}`.execute(a.app.database.kysely);
      const before = await log(a.app, conversationId);
      llmRequest.release();
      await llmRequest.socketClosed;
      await untilLog(
        a.app,
        conversationId,
        () => a.app.conversationManager?.loop(conversationId) === undefined,
      );
      await a.app.eventStore.flush();
      expect((await log(a.app, conversationId)).length).toBe(before.length);
    });

    it('a conversation whose owner died is taken over: the cut turn ends in error, then the queued message is answered', async () => {
      testDatabase = await (postgres as NonNullable<typeof postgres>).create();
      const b = await startApp('process-b');
      const created = await request(b.app, 'POST', '/api/conversations', {
        payload: {},
        headers: user,
      });
      const conversationId = (created.body as { conversation_id: string }).conversation_id;
      await untilLog(b.app, conversationId, (all) =>
        all.some((e) => stateOf(e) === 'awaiting_user_input'),
      );
      // Make it look as if a process that has died owned it mid-turn, with one message queued.
      await b.app.conversationManager?.stop(conversationId);
      const held = b.app.eventStreams.acquire(conversationId);
      const { stream } = held;
      const [asked] = await stream.append([
        {
          action: 'message',
          args: { content: 'first', image_urls: [], file_urls: [] },
          source: 'user',
        } as never,
      ]);
      await stream.append([
        {
          observation: 'agent_state_changed',
          content: '',
          extras: { agent_state: 'running' },
          cause: asked?.id,
          source: 'environment',
        } as never,
      ]);
      const [queued] = await stream.append([
        {
          action: 'message',
          args: { content: 'queued', image_urls: [], file_urls: [] },
          source: 'user',
        } as never,
      ]);
      held.release();
      await sql`update conversation_leases set owner = 'dead-process', generation = generation + 1,
        expires_at = 0 where conversation_id = ${conversationId}`.execute(b.app.database.kysely);
      llm.enqueue({ kind: 'reply', text: 'answer to the queued one' });
      const events = await untilLog(b.app, conversationId, (all) =>
        all.some(
          (e) => e.source === 'agent' && JSON.stringify(e).includes('answer to the queued one'),
        ),
      );
      const afterQueued = events.filter((event) => event.id > (queued?.id ?? 0));
      const states = afterQueued.map(stateOf).filter((state) => state !== undefined);
      expect(states[0]).toBe('error');
      expect(JSON.stringify(afterQueued[0])).toContain('interrupted');
      const running = afterQueued.find((event) => stateOf(event) === 'running');
      expect(running?.cause).toBe(queued?.id);
    });

    it('the limit on running conversations per user holds across processes: the least recently active one closes', async () => {
      testDatabase = await (postgres as NonNullable<typeof postgres>).create();
      const limit = { PARLEY_MAX_RUNNING_CONVERSATIONS: '1' };
      const a = await startApp('process-a', limit);
      const b = await startApp('process-b', limit);
      const first = await request(a.app, 'POST', '/api/conversations', {
        payload: {},
        headers: user,
      });
      const firstId = (first.body as { conversation_id: string }).conversation_id;
      expect(a.app.conversationManager?.loop(firstId)).toBeDefined();
      const watcher = await connect(a.url, firstId);
      const second = await request(b.app, 'POST', '/api/conversations', {
        payload: {},
        headers: user,
      });
      const secondId = (second.body as { conversation_id: string }).conversation_id;
      expect(b.app.conversationManager?.loop(secondId)).toBeDefined();
      // a loses the first conversation's lease and drops its loop; its clients were told why.
      await untilLog(a.app, firstId, () => a.app.conversationManager?.loop(firstId) === undefined);
      const notice = await new Promise((resolve) => {
        const check = () => {
          const found = watcher.events.find(
            (event) => event['id'] === 'AGENT_ERROR$TOO_MANY_CONVERSATIONS',
          );
          if (found !== undefined) resolve(found);
          else setTimeout(check, 20);
        };
        check();
      });
      expect(notice).toMatchObject({ status_update: true, type: 'error' });
    });

    it('Redis going away mid-stream costs latency, not events; when it is back the processes reconnect by themselves', async () => {
      testDatabase = await (postgres as NonNullable<typeof postgres>).create();
      const a = await startApp('process-a');
      const b = await startApp('process-b');
      const created = await request(a.app, 'POST', '/api/conversations', {
        payload: {},
        headers: user,
      });
      const conversationId = (created.body as { conversation_id: string }).conversation_id;
      const watcher = await connect(b.url, conversationId);
      const ownerWatcher = await connect(a.url, conversationId);
      llm.enqueue({
        kind: 'reply',
        text: 'one two three four five six seven eight',
        chunkDelayMs: 30,
      });
      await request(b.app, 'POST', `/api/conversations/${conversationId}/message`, {
        payload: { message: 'stream while redis dies' },
        headers: user,
      });
      await untilLog(a.app, conversationId, (all) => all.some((e) => stateOf(e) === 'running'));
      await redis.kill();
      const duringOutage = await untilLog(a.app, conversationId, (all) =>
        all.some((event) => stateOf(event) === 'awaiting_user_input' && event.id > 3),
      );
      const outageLast = duringOutage[duringOutage.length - 1]?.id ?? -1;
      // Still delivered, from the log, while Redis is down.
      await watcher.untilId(outageLast);
      await ownerWatcher.untilId(outageLast);
      expect(watcher.ids).toEqual(ownerWatcher.ids);
      await redis.restart();
      llm.enqueue({ kind: 'reply', text: 'after the outage' });
      await request(b.app, 'POST', `/api/conversations/${conversationId}/message`, {
        payload: { message: 'and now?' },
        headers: user,
      });
      const after = await untilLog(a.app, conversationId, (all) =>
        all.some(
          (event) => event.source === 'agent' && JSON.stringify(event).includes('after the outage'),
        ),
      );
      const finalId = after[after.length - 1]?.id ?? -1;
      await watcher.untilId(finalId);
      await ownerWatcher.untilId(finalId);
      expect(watcher.ids).toEqual(ownerWatcher.ids);
      expect(new Set(watcher.ids).size).toBe(watcher.ids.length);
    });
  },
);
