import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../../src/config/load-config.js';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { ManualClock } from '../../support/manual-timers.js';
import type { SocketIoTestClient } from '../../support/realtime-clients.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

let agent: AgentTestApp | undefined;
afterEach(async () => {
  await agent?.cleanup();
  agent = undefined;
});

async function start(
  backend: (typeof backends)[number],
  env: Environment = {},
): Promise<{ agent: AgentTestApp; clock: ManualClock }> {
  const clock = new ManualClock();
  agent = await startAgentTestApp(backend, env, { now: clock.now, timers: clock });
  return { agent, clock };
}

const statusOf = async (agent: AgentTestApp, id: string, user = 'alice') =>
  (await agent.api('GET', `/api/conversations/${id}`, undefined, user)).body as {
    status: string;
    url: string | null;
    runtime_status: string | null;
    title: string;
  };

const loadingCount = async (agent: AgentTestApp, id: string) =>
  (await agent.log(id)).filter((event) => JSON.stringify(event).includes('"agent_state":"loading"'))
    .length;

for (const backend of backends) {
  describe(`conversation manager (${backend.name})`, () => {
    it('starting a 4th conversation closes the least recently active one of that user only', async () => {
      const { agent, clock } = await start(backend);
      const bobs = await agent.create({}, 'bob');
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) {
        ids.push(await agent.create({}));
        clock.advance(1000);
      }
      const [oldest, second] = ids as [string, string];
      // The second is used again, so the oldest is the least recently active.
      const client = await agent.connect(oldest);
      const secondClient = await agent.connect(second);
      await agent.untilState(oldest, 'awaiting_user_input');
      clock.advance(1000);
      const fourth = await agent.create({});
      await client.untilDisconnected();
      const frames = client.events.filter((event) => event['status_update'] === true);
      expect(frames).toEqual([
        {
          status_update: true,
          type: 'error',
          id: 'AGENT_ERROR$TOO_MANY_CONVERSATIONS',
          message:
            'Too many conversations at once. If you are still using this one, try reactivating it by prompting the agent to continue',
        },
      ]);
      expect(await statusOf(agent, oldest)).toMatchObject({ status: 'STOPPED', url: null });
      for (const id of [second, ids[2] as string, fourth]) {
        expect(await statusOf(agent, id)).toMatchObject({
          status: 'RUNNING',
          runtime_status: 'STATUS$READY',
        });
      }
      expect(await statusOf(agent, bobs, 'bob')).toMatchObject({ status: 'RUNNING' });
      expect(agent.manager.runningConversations('alice').sort()).toEqual(
        [second, ids[2] as string, fourth].sort(),
      );
      expect(secondClient.disconnectReason).toBeUndefined();
      const events = await agent.log(oldest);
      expect(events.at(-1)).toMatchObject({ extras: { agent_state: 'stopped' } });
    });

    it('joining starts the loop once; connections are counted per conversation', async () => {
      const { agent } = await start(backend);
      const id = await agent.create({});
      await agent.api('POST', `/api/conversations/${id}/stop`);
      const clients: SocketIoTestClient[] = [await agent.connect(id), await agent.connect(id)];
      await agent.untilState(id, 'awaiting_user_input');
      expect(await loadingCount(agent, id)).toBe(2);
      expect(agent.manager.connections('alice')).toEqual(new Map([[id, 2]]));
      expect((await statusOf(agent, id)) as unknown).toMatchObject({ status: 'RUNNING' });
      const listed = await agent.api('GET', '/api/conversations');
      expect(listed.body).toMatchObject({ results: [{ conversation_id: id, num_connections: 2 }] });
      for (const client of clients) client.close();
    });

    it('closes loops idle past close_delay without connections, keeps the others', async () => {
      const { agent, clock } = await start(backend, { PARLEY_CLOSE_DELAY_SECONDS: '60' });
      const idle = await agent.create({});
      const watched = await agent.create({});
      await agent.connect(watched);
      clock.advance(30_000);
      const fresh = await agent.create({});
      await agent.untilState(fresh, 'awaiting_user_input');
      expect(await statusOf(agent, idle)).toMatchObject({ status: 'RUNNING' });
      clock.advance(31_000);
      await agent.manager.cleanupIdle();
      expect(await statusOf(agent, idle)).toMatchObject({ status: 'STOPPED', url: null });
      expect(await statusOf(agent, watched)).toMatchObject({ status: 'RUNNING' });
      expect(await statusOf(agent, fresh)).toMatchObject({ status: 'RUNNING' });
      // Idle closing logs nothing: the agent was already waiting for input.
      expect((await agent.log(idle)).at(-1)).toMatchObject({
        extras: { agent_state: 'awaiting_user_input' },
      });
    });

    it('close_delay 0 disables idle closing but keeps the cleanup loop', async () => {
      const { agent, clock } = await start(backend, { PARLEY_CLOSE_DELAY_SECONDS: '0' });
      const id = await agent.create({});
      clock.advance(10 * 24 * 3_600_000);
      await agent.manager.cleanupIdle();
      expect(await statusOf(agent, id)).toMatchObject({ status: 'RUNNING' });
      expect(clock.intervalCount).toBe(1);
    });

    it('a failing cleanup round is logged and the next one works', async () => {
      const { agent, clock } = await start(backend, { PARLEY_CLOSE_DELAY_SECONDS: '1' });
      const id = await agent.create({});
      agent.manager.setNotifier({
        sendStatusUpdate: () => undefined,
        sendTitleUpdate: () => undefined,
        disconnectConversation: () => undefined,
        connectionCount: () => {
          throw new Error('notifier broke');
        },
      });
      clock.advance(5_000);
      await agent.manager.cleanupIdle();
      expect(agent.manager.runningConversations()).toEqual([id]);
      agent.manager.setNotifier(agent.app.realtime);
      await agent.manager.cleanupIdle();
      expect(await statusOf(agent, id)).toMatchObject({ status: 'STOPPED' });
      expect(clock.intervalCount).toBe(1);
    });

    it('titles a conversation from its first message and tells its clients', async () => {
      const { agent } = await start(backend);
      const id = await agent.create({});
      const client = await agent.connect(id);
      await agent.untilState(id, 'awaiting_user_input');
      client.socket.emit('oh_user_action', {
        action: 'message',
        args: { content: 'Please help me plan a trip to the mountains next spring' },
      });
      await client.changes.until(() =>
        client.events.some((event) => event['conversation_title'] !== undefined),
      );
      const frame = client.events.find((event) => event['conversation_title'] !== undefined);
      expect(frame).toEqual({
        status_update: true,
        type: 'info',
        message: id,
        conversation_title: 'Please help me plan a trip to...',
      });
      expect((await statusOf(agent, id)).title).toBe('Please help me plan a trip to...');
    });
  });
}

describe('titles from the LLM', () => {
  it('asks the model for a title when configured to', async () => {
    const sqlite = backends.find((backend) => backend.name === 'sqlite');
    if (sqlite === undefined) throw new Error('no SQLite backend');
    const { agent } = await start(sqlite, { PARLEY_TITLE_FROM_LLM: 'true' });
    // Both the turn and the title request get the fake server's default reply.
    const id = await agent.create({});
    const client = await agent.connect(id);
    await agent.untilState(id, 'awaiting_user_input');
    client.socket.emit('oh_user_action', {
      action: 'message',
      args: { content: 'a long first message about many things' },
    });
    await client.changes.until(() =>
      client.events.some((event) => event['conversation_title'] === 'Hello there'),
    );
    expect((await statusOf(agent, id)).title).toBe('Hello there');
    const titleRequest = agent.llm.requests.find((request) =>
      JSON.stringify(request.body).includes('Write a title'),
    );
    expect(titleRequest).toBeDefined();
  });
});
