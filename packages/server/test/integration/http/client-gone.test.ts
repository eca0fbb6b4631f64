import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { PausingConversationStore } from '../../support/pausing-conversation-store.js';
import {
  createConversation,
  createTestApi,
  request,
  type TestApi,
} from '../../support/test-api.js';
import { testDatabaseBackends } from '../../support/test-databases.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const backends = await testDatabaseBackends();

/**
 * A client that goes away in the middle of `POST /api/conversations` (issue 17 item 3): the
 * request's `clientGone` signal reaches the conversation store, which pauses inside the create
 * until the client's socket is destroyed. Before the insert, nothing of the conversation
 * remains; after it, the conversation is complete. Either way the server logs no error and
 * goes on serving.
 */
for (const backend of backends) {
  describe.skipIf(!backend.available)(`a client gone mid-create on ${backend.name}`, () => {
    const apis: TestApi[] = [];
    const sockets: Socket[] = [];
    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.destroy();
      for (const api of apis.splice(0)) await api.cleanup();
    });

    async function start() {
      const capture = createCapturingLogger('debug');
      let store: PausingConversationStore | undefined;
      const api = await createTestApi(backend, {
        logger: capture.logger,
        secretRegistry: capture.secrets,
        conversationStore: (inner) => (store = new PausingConversationStore(inner)),
      });
      apis.push(api);
      const { port } = await api.app.listen();
      if (store === undefined) throw new Error('the app did not build the conversation store');
      return { app: api.app, port, store, lines: capture.lines };
    }

    /** Sends a complete `POST /api/conversations` over a raw socket, which the test destroys. */
    function postConversation(port: number): Socket {
      const body = JSON.stringify({ repository: 'octo/cat' });
      const socket = connect({ host: '127.0.0.1', port });
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.write(
        `POST /api/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
          body,
      );
      return socket;
    }

    async function tableSizes(app: App): Promise<{ conversations: number; events: number }> {
      const count = async (table: 'conversations' | 'events') => {
        const row = await app.database.kysely
          .selectFrom(table)
          .select((builder) => builder.fn.countAll().as('count'))
          .executeTakeFirstOrThrow();
        return Number(row.count);
      };
      return { conversations: await count('conversations'), events: await count('events') };
    }

    function shapeOf(events: readonly StoredEvent[]): unknown[] {
      return events.map((event) => {
        const payload = event as unknown as Record<string, unknown>;
        const extras = payload['extras'] as { agent_state?: string } | undefined;
        return [
          payload['source'],
          payload['action'] ?? payload['observation'],
          extras?.agent_state,
        ];
      });
    }

    it('before the insert: no row, no events, nothing held; logged at info as OPERATION_ABORTED', async () => {
      const { app, port, store, lines } = await start();
      const pause = store.pauseNextCreate('before-insert');
      const socket = postConversation(port);
      await pause.paused;
      socket.destroy();

      const outcome = await pause.settled;
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        code: 'OPERATION_ABORTED',
        cause: { message: expect.stringContaining('client disconnected') },
      });
      await expect
        .poll(() => lines().filter((line) => line['code'] === 'OPERATION_ABORTED'))
        .toEqual([
          expect.objectContaining({
            level: 30,
            module: 'http',
            reason: 'the client disconnected before its response was sent',
          }),
        ]);
      expect(await tableSizes(app)).toEqual({ conversations: 0, events: 0 });
      expect(app.eventStreams.openCount).toBe(0);
      expect(app.conversationManager?.runningConversations()).toEqual([]);

      // The server is healthy: the next create works, and it is the only conversation.
      const id = await createConversation(app);
      const list = await request(app, 'GET', '/api/conversations');
      expect(list.body).toMatchObject({ results: [{ conversation_id: id }] });
      expect(lines().filter((line) => Number(line['level']) >= 40)).toEqual([]);
    });

    it('after the insert committed: the conversation is complete, as if the client had stayed', async () => {
      const { app, port, store, lines } = await start();
      const reference = await createConversation(app, { repository: 'octo/cat' });
      const referenceLog = (await app.eventStore.search(reference)).events;

      const pause = store.pauseNextCreate('after-insert');
      const socket = postConversation(port);
      await pause.paused;
      socket.destroy();
      const outcome = await pause.settled;
      expect(outcome.status).toBe('fulfilled');
      const created = (outcome as PromiseFulfilledResult<{ conversationId: string }>).value;

      // The loop starts without the request's signal: its state events follow as for the
      // reference conversation, and the answer nobody reads is no error.
      await expect
        .poll(async () => shapeOf((await app.eventStore.search(created.conversationId)).events))
        .toEqual(shapeOf(referenceLog));
      expect(await tableSizes(app)).toEqual({
        conversations: 2,
        events: 2 * referenceLog.length,
      });
      const info = await request(app, 'GET', `/api/conversations/${created.conversationId}`);
      expect(info.body).toMatchObject({ selected_repository: 'octo/cat', status: 'RUNNING' });
      expect(lines().filter((line) => line['code'] === 'OPERATION_ABORTED')).toEqual([]);
      expect(lines().filter((line) => Number(line['level']) >= 40)).toEqual([]);
    });
  });
}
