/**
 * R13, "accepted means stored": one socket sends 80 messages at once, past its message limit (burst
 * 40), so the limiter answers the second half with error frames and then disconnects it. Every
 * message that drew no error frame must be in the log afterwards, also those still waiting to be
 * dispatched when the connection closed; none that drew one may be. On both faces.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { testUserHeader } from '../../support/header-user-auth.js';
import { SocketIoTestClient, V1TestClient } from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { request } from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();
const burst = 40;
const sent = 80;
/** One token a second: the burst is all a client gets while it floods. */
const environment = {
  PARLEY_SOCKET_MESSAGES_PER_SECOND: '1',
  PARLEY_SOCKET_MESSAGE_BURST: String(burst),
};

let server: RealtimeTestApp | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

/** The contents of the user messages in the log, read over REST (`GET …/events`). */
async function storedContents(app: RealtimeTestApp, conversationId: string): Promise<string[]> {
  const response = await request(
    app.app,
    'GET',
    `/api/conversations/${conversationId}/events?limit=100`,
    { headers: { [testUserHeader]: 'alice' } },
  );
  expect(response.status).toBe(200);
  const { events } = response.body as { events: Record<string, unknown>[] };
  return events.flatMap((event) =>
    event['action'] === 'message' && event['source'] === 'user'
      ? [String((event['args'] as { content: string }).content)]
      : [],
  );
}

/** Resolves once the log holds `count` user messages (checked after every commit). */
async function untilStored(
  app: RealtimeTestApp,
  conversationId: string,
  count: number,
): Promise<void> {
  const countNow = async (): Promise<number> => (await storedContents(app, conversationId)).length;
  if ((await countNow()) >= count) return;
  await new Promise<void>((resolve, reject) => {
    const stop = app.app.eventStore.onCommit((committed) => {
      if (committed !== conversationId) return;
      countNow().then((stored) => {
        if (stored < count) return;
        stop();
        resolve();
      }, reject);
    });
  });
}

/**
 * Checks the promise of R13: no error + error = sent; the messages without an error are exactly
 * the ones stored, in the order sent.
 */
async function expectAcceptedStored(
  app: RealtimeTestApp,
  conversationId: string,
  contents: string[],
  errorCount: number,
): Promise<void> {
  const accepted = sent - errorCount;
  await untilStored(app, conversationId, accepted);
  await app.app.realtime.clientMessagesSettled();
  await app.app.eventStore.flush();
  const stored = await storedContents(app, conversationId);
  expect(stored).toHaveLength(accepted);
  expect(new Set(stored).size).toBe(accepted);
  // Stored in the order sent, and only what was sent.
  const positions = stored.map((content) => contents.indexOf(content));
  expect(positions.every((position) => position >= 0)).toBe(true);
  expect([...positions].sort((left, right) => left - right)).toEqual(positions);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`accepted means stored (${backend.name})`, () => {
    it('Socket.IO: 80 oh_user_action at once, disconnected by the limiter', async () => {
      server = await startRealtimeApp(backend, environment);
      const conversationId = await server.newConversation();
      const client = new SocketIoTestClient(
        server.url,
        { conversation_id: conversationId, latest_event_id: '-1' },
        { [testUserHeader]: 'alice' },
      );
      try {
        await client.connected();
        await client.untilId(0);
        const contents = Array.from({ length: sent }, (_, index) => `socket.io message ${index}`);
        for (const [index, content] of contents.entries()) {
          client.socket.emit('oh_user_action', {
            action: 'message',
            args: { content, client_message_id: `client-${index}` },
          });
        }
        await client.untilDisconnected();
        const errors = client.errors;
        expect(errors.every((error) => error['code'] === 'SOCKET_RATE_LIMITED')).toBe(true);
        // The last one is the disconnect's own error frame.
        expect(errors.at(-1)).toMatchObject({ message: 'Too many messages; disconnected' });
        expect(errors.length).toBeGreaterThanOrEqual(burst);
        await expectAcceptedStored(server, conversationId, contents, errors.length);
      } finally {
        client.close();
      }
    });

    it('V1: 80 user messages at once, closed with 1008 by the limiter', async () => {
      server = await startRealtimeApp(backend, environment);
      const conversationId = await server.newConversation();
      const client = new V1TestClient(
        `${server.wsUrl}/sockets/events/${conversationId}?resend_all=true`,
        { [testUserHeader]: 'alice' },
      );
      try {
        await client.untilId(0);
        const contents = Array.from({ length: sent }, (_, index) => `v1 message ${index}`);
        for (const content of contents) {
          client.send({ role: 'user', content: [{ type: 'text', text: content }] });
        }
        await client.untilClosed();
        expect(client.closeCode).toBe(1008);
        const errors = client.frames.filter((frame) => frame['kind'] === 'Error');
        expect(errors.every((error) => error['code'] === 'SOCKET_RATE_LIMITED')).toBe(true);
        expect(errors.at(-1)).toMatchObject({ message: 'Too many messages; disconnected' });
        expect(errors.length).toBeGreaterThanOrEqual(burst);
        await expectAcceptedStored(server, conversationId, contents, errors.length);
      } finally {
        client.close();
      }
    });
  });
}
