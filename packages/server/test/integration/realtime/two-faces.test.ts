import { afterEach, describe, expect, it } from 'vitest';
import { testUserHeader } from '../../support/header-user-auth.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { SocketIoTestClient, V1TestClient } from '../../support/realtime-clients.js';
import { request } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

type Frame = Record<string, unknown>;

const agentReplyTo = (said: string) => (text: unknown) =>
  typeof text === 'string' && text.includes(`You said: "${said}"`);

/** V1 frames: the agent's MessageEvent whose text answers `said`. */
function v1AgentReply(frames: Frame[], said: string): Frame | undefined {
  return frames.find((frame) => {
    if (frame['kind'] !== 'MessageEvent' || frame['source'] !== 'agent') return false;
    const content = (frame['llm_message'] as { content: { text?: string }[] }).content;
    return content.some((part) => agentReplyTo(said)(part.text));
  });
}

/** V0 events: the agent's message action answering `said`. */
function v0AgentReply(events: Frame[], said: string): Frame | undefined {
  return events.find(
    (event) =>
      event['action'] === 'message' &&
      event['source'] === 'agent' &&
      agentReplyTo(said)((event['args'] as { content?: string }).content),
  );
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`one conversation, both faces, on ${backend.name}`, () => {
    let server: RealtimeTestApp | undefined;
    const clients: { close(): void }[] = [];
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await server?.cleanup();
      server = undefined;
    });

    async function start(): Promise<RealtimeTestApp> {
      server = await startRealtimeApp(
        backend,
        { PARLEY_DEMO_TOKEN_DELAY_MS: '0' },
        { agentLoops: 'manager' },
      );
      return server;
    }

    function watchV1(app: RealtimeTestApp, conversationId: string): V1TestClient {
      const client = new V1TestClient(
        `${app.wsUrl}/sockets/events/${conversationId}?resend_all=true`,
        { [testUserHeader]: 'alice' },
      );
      clients.push(client);
      return client;
    }

    async function watchV0(app: RealtimeTestApp, conversationId: string) {
      const client = new SocketIoTestClient(
        app.url,
        { conversation_id: conversationId, latest_event_id: '-1' },
        { [testUserHeader]: 'alice' },
      );
      clients.push(client);
      await client.connected();
      return client;
    }

    it('created over V0, watched and spoken to over V1: both see the same log', async () => {
      const app = await start();
      const conversationId = await app.newConversation();
      const v1 = watchV1(app, conversationId);
      const v0 = await watchV0(app, conversationId);
      await v1.untilOpen();

      v1.send({ role: 'user', content: [{ type: 'text', text: 'sent over V1' }] });
      await v1.changes.until(() => v1AgentReply(v1.frames, 'sent over V1') !== undefined);
      await v0.changes.until(() => v0AgentReply(v0.events, 'sent over V1') !== undefined);

      // The same entries under the same ids on both faces.
      const v1Reply = v1AgentReply(v1.frames, 'sent over V1');
      const v0Reply = v0AgentReply(v0.events, 'sent over V1');
      expect(v1Reply?.['id']).toBe(String(v0Reply?.['id']));
      const userOverV0 = v0.events.find(
        (event) =>
          event['action'] === 'message' &&
          event['source'] === 'user' &&
          (event['args'] as { content: string }).content === 'sent over V1',
      );
      expect(userOverV0).toBeDefined();
      expect(Number(v1Reply?.['id'])).toBeGreaterThan(Number(userOverV0?.['id']));

      // The V1 REST face reads it as the same conversation.
      const listed = await request(
        app.app,
        'GET',
        `/api/v1/app-conversations?ids=${conversationId}`,
      );
      expect(listed.body).toMatchObject([{ id: conversationId, sandbox_status: 'RUNNING' }]);
    });

    it('created over V1, watched and spoken to over Socket.IO: both see the same log', async () => {
      const app = await start();
      const task = await request(app.app, 'POST', '/api/v1/app-conversations', {
        payload: { initial_message: { role: 'user', content: [{ type: 'text', text: 'first' }] } },
      });
      const conversationId = (task.body as { app_conversation_id: string }).app_conversation_id;
      const v0 = await watchV0(app, conversationId);
      const v1 = watchV1(app, conversationId);
      await v0.changes.until(() => v0AgentReply(v0.events, 'first') !== undefined);

      v0.socket.emit('oh_user_action', { action: 'message', args: { content: 'sent over V0' } });
      await v0.changes.until(() => v0AgentReply(v0.events, 'sent over V0') !== undefined);
      await v1.changes.until(() => v1AgentReply(v1.frames, 'sent over V0') !== undefined);
      expect(v1AgentReply(v1.frames, 'sent over V0')?.['id']).toBe(
        String(v0AgentReply(v0.events, 'sent over V0')?.['id']),
      );
      // The user's message is one entry, under one id, on both faces.
      const userOverV0 = v0.events.find(
        (event) =>
          event['source'] === 'user' &&
          (event['args'] as { content?: string } | undefined)?.content === 'sent over V0',
      );
      const userOverV1 = v1.frames.find(
        (frame) =>
          frame['kind'] === 'MessageEvent' &&
          frame['source'] === 'user' &&
          (frame['llm_message'] as { content: { text?: string }[] }).content[0]?.text ===
            'sent over V0',
      );
      expect(userOverV1?.['id']).toBe(String(userOverV0?.['id']));
      expect([...v1.ids].sort((left, right) => left - right)).toEqual(v1.ids);

      const info = await request(app.app, 'GET', `/api/conversations/${conversationId}`);
      expect(info.body).toMatchObject({ conversation_version: 'V1', status: 'RUNNING' });
    });
  });
}
