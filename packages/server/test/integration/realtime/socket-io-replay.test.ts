import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src/events/event-store.js';
import { agentStateChanged, messageAction, nullObservation } from '../../support/event-fixtures.js';
import { SocketIoTestClient, idsThrough } from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

/** A deterministic pseudo-random sequence (mulberry32), so a failing run can be repeated. */
function randomSequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function messages(count: number, label: string): NewEvent[] {
  return Array.from({ length: count }, (_, index) => messageAction(`${label} ${index}`, 'agent'));
}

/** Appends `total` events in small batches, yielding between them, like a busy agent loop. */
async function appendInBatches(
  server: RealtimeTestApp,
  conversationId: string,
  total: number,
  batchSize: number,
): Promise<void> {
  for (let appended = 0; appended < total; appended += batchSize) {
    await server.append(conversationId, messages(Math.min(batchSize, total - appended), 'busy'));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Socket.IO replay then tail on ${backend.name}`, () => {
    let server: RealtimeTestApp;
    let conversationId: string;
    const clients: SocketIoTestClient[] = [];

    const connect = async (latestEventId: number, extra: Record<string, string> = {}) => {
      const client = new SocketIoTestClient(server.url, {
        conversation_id: conversationId,
        latest_event_id: String(latestEventId),
        ...extra,
      });
      clients.push(client);
      await client.connected();
      return client;
    };

    beforeEach(async () => {
      server = await startRealtimeApp(backend);
      conversationId = await server.newConversation();
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) client.close();
      await server.cleanup();
    });

    it('replays everything from -1, then tails new events', async () => {
      await server.append(conversationId, messages(20, 'history'));
      const client = await connect(-1);
      await client.untilId(20);
      await server.append(conversationId, messages(3, 'live'));
      await client.untilId(23);
      expect(client.ids).toEqual(idsThrough(23));
      expect(client.events[0]).toMatchObject({
        id: 0,
        source: 'agent',
        observation: 'agent_state_changed',
      });
      expect(client.events[5]).toMatchObject({
        id: 5,
        source: 'agent',
        action: 'message',
        args: { content: 'history 4' },
      });
    });

    it('replays from the middle: only ids after latest_event_id', async () => {
      await server.append(conversationId, messages(20, 'history'));
      const client = await connect(10);
      await client.untilId(20);
      await server.append(conversationId, messages(2, 'live'));
      await client.untilId(22);
      expect(client.ids).toEqual(idsThrough(22, 11));
    });

    it('applies the replay filters and the live source rules of upstream', async () => {
      await server.append(conversationId, [
        agentStateChanged('running'), // 1: superseded by 5 on replay
        nullObservation(), // 2: never sent
        {
          source: 'agent',
          message: 'recall',
          action: 'recall',
          args: { recall_type: 'workspace_context', query: 'x' },
        } as NewEvent, // 3: skipped on replay, sent live
        messageAction('hello', 'user'), // 4
        agentStateChanged('awaiting_user_input'), // 5: the latest agent state
      ]);
      const client = await connect(-1);
      await client.untilId(5);
      expect(client.ids).toEqual([4, 5]);
      expect(client.events[1]).toMatchObject({ id: 5, source: 'environment' });

      await server.append(conversationId, [
        agentStateChanged('running'), // 6: environment → rewritten to agent
        {
          source: 'environment',
          message: 'rejected',
          observation: 'user_rejected',
          content: 'no',
          extras: {},
        } as NewEvent, // 7: other environment events are not sent live
        nullObservation(), // 8: never sent
        messageAction('done', 'agent'), // 9
      ]);
      await client.untilId(9);
      expect(client.ids).toEqual([4, 5, 6, 9]);
      expect(client.events[2]).toMatchObject({ id: 6, source: 'agent' });

      // A later replay still contains the environment event (with its own source).
      const replayed = await connect(5);
      await replayed.untilId(9);
      expect(replayed.ids).toEqual([6, 7, 9]);
      expect(replayed.events[0]).toMatchObject({ id: 6, source: 'environment' });
    });

    it('delivers every id exactly once when events are appended during the replay', async () => {
      await server.append(conversationId, messages(300, 'history'));
      const appending = appendInBatches(server, conversationId, 1500, 7);
      const early = await connect(-1);
      const late = await connect(150);
      await appending;
      const lastId = await server.app.eventStore.latestId(conversationId);
      expect(lastId).toBe(1800);
      await early.untilId(lastId);
      await late.untilId(lastId);
      expect(early.ids).toEqual(idsThrough(lastId));
      expect(late.ids).toEqual(idsThrough(lastId, 151));
    });

    it('ends with exactly ids 0…N for clients dropped at random points of a 2,000-event stream', async () => {
      const total = 2000;
      const random = randomSequence(backend.name === 'sqlite' ? 7 : 11);
      const appending = appendInBatches(server, conversationId, total, 5);
      const lastId = total; // id 0 is the agent state appended at creation

      const runClient = async (seed: number): Promise<number[]> => {
        const received: number[] = [];
        let cursor = -1;
        let connections = 0;
        while (cursor < lastId) {
          connections += 1;
          const client = await connect(cursor);
          // Drop the connection after a random number of events (the last connection stays).
          const dropAfter = connections > 8 ? Infinity : 1 + Math.floor(random() * 400);
          await client.changes.until(
            () => client.ids.length >= dropAfter || client.ids.includes(lastId),
          );
          const seen = client.ids.slice(0, Math.min(client.ids.length, dropAfter));
          if ((seed + connections) % 2 === 0) client.close();
          else client.socket.io.engine.close(); // a transport drop rather than a clean disconnect
          received.push(...seen);
          cursor = seen.length > 0 ? (seen[seen.length - 1] as number) : cursor;
        }
        return received;
      };

      const results = await Promise.all([1, 2, 3, 4].map((seed) => runClient(seed)));
      await appending;
      for (const received of results) expect(received).toEqual(idsThrough(lastId));
    });

    it('keeps the agent loop running after a client disconnects', async () => {
      const client = await connect(-1);
      await client.untilId(0);
      client.close();
      await client.untilDisconnected();
      const response = await server.app.http.inject({
        method: 'GET',
        url: `/api/conversations/${conversationId}`,
        headers: { 'x-test-user': 'alice' },
      });
      expect(JSON.parse(response.body)).toMatchObject({ status: 'RUNNING' });
      const second = await connect(0);
      await server.append(conversationId, messages(1, 'after'));
      await second.untilId(1);
      expect(second.ids).toEqual([1]);
    });
  });
}
