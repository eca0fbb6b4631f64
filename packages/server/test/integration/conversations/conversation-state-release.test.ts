/**
 * Per-conversation state has one owner (issue 12, item 6): once the loop is closed and the last
 * client gone, a conversation holds no stream, listener or secrets; its next use opens them again,
 * with the user's secrets reloaded, and a client joining then catches up from the log at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { testUserHeader } from '../../support/header-user-auth.js';
import { V1TestClient } from '../../support/realtime-clients.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();
const secret = 'sk-custom-secret-314159';

let agent: AgentTestApp | undefined;
afterEach(async () => {
  await agent?.cleanup();
  agent = undefined;
});

/** The live-state gauge, by part, as /metrics shows it. */
async function liveStates(app: AgentTestApp): Promise<Record<string, number>> {
  const body = (await app.app.http.inject({ url: '/metrics' })).body;
  const states: Record<string, number> = {};
  for (const match of body.matchAll(/^parley_conversation_states\{part="([^"]+)"\} (\d+)$/gm)) {
    states[match[1] as string] = Number(match[2]);
  }
  return states;
}

async function stop(app: AgentTestApp, id: string): Promise<void> {
  expect((await app.api('POST', `/api/conversations/${id}/stop`)).status).toBe(200);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`conversation state release (${backend.name})`, () => {
    it('a stopped conversation holds nothing; its next message reopens it with the secrets reloaded', async () => {
      agent = await startAgentTestApp(backend);
      const created = await agent.api('POST', '/api/secrets', { name: 'DEPLOY', value: secret });
      expect(created.status).toBe(201);
      const id = await agent.create({ initial_user_msg: 'hello' });
      await agent.untilState(id, 'awaiting_user_input');
      expect(await liveStates(agent)).toEqual({ event_stream: 1, agent_loop: 1 });
      await stop(agent, id);
      expect(await liveStates(agent)).toEqual({ event_stream: 0, agent_loop: 0 });

      // A message starts a new loop: the stream it opens masks with the user's secrets again.
      const sent = await agent.api('POST', `/api/conversations/${id}/message`, {
        message: `deploy with ${secret}`,
      });
      expect(sent.status).toBe(200);
      await agent.untilState(id, 'awaiting_user_input');
      await stop(agent, id);
      // An action with no loop to take it is only recorded, through a stream opened for it.
      const recorded = await agent.api('POST', `/api/conversations/${id}/events`, {
        action: 'think',
        args: { thought: `remember ${secret}` },
      });
      expect(recorded.status).toBe(200);
      expect(await liveStates(agent)).toEqual({ event_stream: 0, agent_loop: 0 });

      const log = JSON.stringify(await agent.log(id));
      expect(log).not.toContain(secret);
      expect(log).toContain('deploy with <secret_hidden>');
      expect(log).toContain('remember <secret_hidden>');
    });

    it('a client joining an idle conversation replays it, goes live at once (heartbeats) and gets what follows once', async () => {
      agent = await startAgentTestApp(backend, { PARLEY_HEARTBEAT_INTERVAL_MS: '20' });
      const id = await agent.create({ initial_user_msg: 'hello' });
      await agent.untilState(id, 'awaiting_user_input');
      await stop(agent, id);
      const latest = await agent.app.eventStore.latestId(id);
      expect(agent.app.eventStreams.openCount).toBe(0);

      // Its hub opens a fresh stream, which never publishes the ids committed before it existed.
      const client = new V1TestClient(
        `${agent.server.wsUrl}/sockets/events/${id}?resend_all=true`,
        {
          [testUserHeader]: 'alice',
        },
      );
      await client.untilId(latest);
      await client.changes.until(() =>
        client.frames.some(
          (frame) => frame['kind'] === 'Heartbeat' && frame['latest_event_id'] === latest,
        ),
      );

      const sent = await agent.api('POST', `/api/conversations/${id}/message`, { message: 'more' });
      expect(sent.status).toBe(200);
      const events = await agent.untilState(id, 'awaiting_user_input');
      const last = events.at(-1)?.id ?? -1;
      await client.untilId(last);
      // Every event once, in order: the replay and the live tail met without a gap or a repeat.
      expect(client.ids).toEqual(
        events.filter((event) => !('streaming_delta' in event)).map((event) => event.id),
      );
      client.close();
      await client.untilClosed();
      await stop(agent, id);
      expect(agent.app.eventStreams.openCount).toBe(0);
    });
  });
}
