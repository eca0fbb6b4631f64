import { afterEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src/events/event-store.js';
import { messageAction } from '../../support/event-fixtures.js';
import { testUserHeader } from '../../support/header-user-auth.js';
import { SocketIoTestClient } from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { createSqliteDatabase } from '../../support/test-databases.js';
import type { Environment } from '../../../src/config/load-config.js';

const sqlite = { name: 'sqlite' as const, available: true, create: createSqliteDatabase };

describe('Socket.IO messages, bad input, isolation, deltas and heartbeats', () => {
  let server: RealtimeTestApp;
  const clients: SocketIoTestClient[] = [];

  const start = async (env: Environment = {}) => {
    server = await startRealtimeApp(sqlite, env);
  };
  const connect = async (
    conversationId: string,
    options: { user?: string; latestEventId?: number; stream?: boolean } = {},
  ) => {
    const client = new SocketIoTestClient(
      server.url,
      {
        conversation_id: conversationId,
        latest_event_id: String(options.latestEventId ?? -1),
        ...(options.stream === true ? { stream: 'true' } : {}),
      },
      { [testUserHeader]: options.user ?? 'alice' },
    );
    clients.push(client);
    await client.connected();
    return client;
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.cleanup();
  });

  it('appends oh_user_action and oh_action messages as user events and echoes them to the room', async () => {
    await start();
    const conversationId = await server.newConversation();
    const sender = await connect(conversationId);
    const watcher = await connect(conversationId);
    await sender.untilId(0);
    await watcher.untilId(0);
    sender.socket.emit('oh_user_action', {
      action: 'message',
      args: { content: 'hello', image_urls: [], file_urls: [], timestamp: '2025-01-01T00:00:00' },
    });
    sender.socket.emit('oh_action', {
      action: 'change_agent_state',
      args: { agent_state: 'paused' },
    });
    sender.socket.emit('oh_user_action', { action: 'run', args: { command: 'ls', hidden: false } });
    await watcher.untilId(3);
    expect(watcher.events.slice(1)).toMatchObject([
      { id: 1, source: 'user', action: 'message', message: 'hello', args: { content: 'hello' } },
      { id: 2, source: 'user', action: 'change_agent_state', args: { agent_state: 'paused' } },
      { id: 3, source: 'user', action: 'run', args: { command: 'ls' } },
    ]);
    await sender.untilId(3);
    expect(sender.ids).toEqual([0, 1, 2, 3]);
  });

  it('answers bad input with an error frame to the sender only and appends nothing', async () => {
    await start();
    const conversationId = await server.newConversation();
    const sender = await connect(conversationId);
    const watcher = await connect(conversationId);
    await sender.untilId(0);
    await watcher.untilId(0);
    const badInputs: unknown[] = [
      '{"action":"message"}', // a JSON string, not a dict
      42,
      null,
      [1, 2],
      { action: 'message', args: { content: 17 } }, // wrong type
      { action: 'teleport', args: {} }, // unknown action
      { observation: 'run', content: 'x', extras: {} }, // clients may only send actions
      { args: { content: 'no type' } },
      Buffer.from('binary bytes'),
    ];
    for (const input of badInputs) sender.socket.emit('oh_user_action', input);
    await sender.changes.until(() => sender.errors.length === badInputs.length);
    for (const error of sender.errors) {
      expect(error).toMatchObject({ error: true, code: 'SOCKET_MESSAGE_INVALID' });
      expect(typeof error['message']).toBe('string');
    }
    // The connection still works, and the watcher saw neither the errors nor any bad event.
    sender.socket.emit('oh_user_action', { action: 'message', args: { content: 'fine' } });
    await watcher.untilId(1);
    expect(watcher.events).toHaveLength(2);
    expect(watcher.errors).toEqual([]);
    expect(await server.app.eventStore.latestId(conversationId)).toBe(1);
  });

  it('rate-limits a flood with error frames, then disconnects it; others carry on', async () => {
    await start({ PARLEY_SOCKET_MESSAGES_PER_SECOND: '1', PARLEY_SOCKET_MESSAGE_BURST: '5' });
    const conversationId = await server.newConversation();
    const flooder = await connect(conversationId);
    const bystander = await connect(conversationId);
    await bystander.untilId(0);
    for (let index = 0; index < 200; index += 1) {
      flooder.socket.emit('oh_user_action', {
        action: 'message',
        args: { content: `spam ${index}` },
      });
    }
    await flooder.untilDisconnected();
    expect(flooder.errors.some((error) => error['code'] === 'SOCKET_RATE_LIMITED')).toBe(true);
    const appended = await server.app.eventStore.latestId(conversationId);
    expect(appended).toBeLessThanOrEqual(1 + 5 + 1); // the agent state, the burst, a refill at most
    await server.append(conversationId, [messageAction('after the flood', 'agent')]);
    await bystander.untilId(appended + 1);
    expect(bystander.disconnectReason).toBeUndefined();
  });

  it('closes a socket that sends a message over 4 MiB, and no one else', async () => {
    await start();
    const conversationId = await server.newConversation();
    const big = await connect(conversationId);
    const other = await connect(conversationId);
    await other.untilId(0);
    big.socket.emit('oh_user_action', {
      action: 'message',
      args: { content: 'x'.repeat(4 * 1024 * 1024 + 10) },
    });
    await big.untilDisconnected();
    expect(await server.app.eventStore.latestId(conversationId)).toBe(0);
    await server.append(conversationId, [messageAction('still here', 'agent')]);
    await other.untilId(1);
  });

  it('keeps two users apart: a canary from one never reaches the other', async () => {
    await start();
    const aliceConversation = await server.newConversation('alice');
    const bobConversation = await server.newConversation('bob');
    const alice = await connect(aliceConversation, { user: 'alice' });
    const bob = await connect(bobConversation, { user: 'bob' });
    await alice.untilId(0);
    await bob.untilId(0);
    const canary = 'canary-7f3a9c';
    alice.socket.emit('oh_user_action', { action: 'message', args: { content: canary } });
    await alice.untilId(1);
    bob.socket.emit('oh_user_action', { action: 'message', args: { content: 'bob here' } });
    await bob.untilId(1);
    // A late joiner on bob's conversation replays it in full.
    const bobAgain = await connect(bobConversation, { user: 'bob' });
    await bobAgain.untilId(1);
    for (const client of [bob, bobAgain]) {
      expect(JSON.stringify([client.events, client.deltas, client.heartbeats])).not.toContain(
        canary,
      );
    }
    expect(JSON.stringify(alice.events)).toContain(canary);
  });

  it('holds status frames sent before any client is live and hands them to the first one after its replay', async () => {
    await start();
    const conversationId = await server.newConversation();
    server.app.realtime.sendStatusUpdate(conversationId, {
      type: 'info',
      id: 'STATUS$READY',
      message: 'ready before anyone looked',
    });
    server.app.realtime.sendTitleUpdate(conversationId, 'A title set early');
    const first = await connect(conversationId);
    await first.changes.until(() => first.events.some((event) => 'conversation_title' in event));
    const statusFrames = first.events.filter((event) => event['status_update'] === true);
    expect(statusFrames).toEqual([
      {
        status_update: true,
        type: 'info',
        id: 'STATUS$READY',
        message: 'ready before anyone looked',
      },
      {
        status_update: true,
        type: 'info',
        message: conversationId,
        conversation_title: 'A title set early',
      },
    ]);
    // They follow the replayed history.
    const firstStatus = first.events.findIndex((event) => event['status_update'] === true);
    expect(
      first.events.slice(0, firstStatus).every((event) => typeof event['id'] === 'number'),
    ).toBe(true);
    // Handed out once: a second client gets only what is sent while it is live.
    const second = await connect(conversationId);
    server.app.realtime.sendStatusUpdate(conversationId, { type: 'info', message: 'live one' });
    await second.changes.until(() =>
      second.events.some((event) => event['message'] === 'live one'),
    );
    expect(second.events.filter((event) => event['status_update'] === true)).toEqual([
      { status_update: true, type: 'info', message: 'live one' },
    ]);
  });

  it('sends streaming deltas as oh_delta only to clients that asked with stream=true', async () => {
    await start();
    const conversationId = await server.newConversation();
    const delta = (content: string): NewEvent =>
      ({ source: 'agent', streaming_delta: { content } }) as NewEvent;
    await server.append(conversationId, [delta('Hel')]); // id 1, before anyone connects
    const streaming = await connect(conversationId, { stream: true });
    const plain = await connect(conversationId);
    await streaming.changes.until(() => streaming.deltas.length === 1);
    await plain.untilId(0);
    await server.append(conversationId, [delta('lo'), messageAction('Hello', 'agent')]);
    await streaming.untilId(3);
    await plain.untilId(3);
    expect(streaming.deltas).toMatchObject([
      { id: 1, streaming_delta: { content: 'Hel' } },
      { id: 2, streaming_delta: { content: 'lo' } },
    ]);
    expect(plain.deltas).toEqual([]);
    expect(plain.ids).toEqual([0, 3]);
    expect(streaming.ids).toEqual([0, 3]);
    // A streaming client that reconnects mid-answer resumes after its last delta.
    const resumed = await connect(conversationId, { stream: true, latestEventId: 1 });
    await resumed.untilId(3);
    expect(resumed.deltas.map((event) => event['id'])).toEqual([2]);
  });

  it('sends heartbeats with the latest id of the conversation', async () => {
    await start({ PARLEY_HEARTBEAT_INTERVAL_MS: '20' });
    const conversationId = await server.newConversation();
    const client = await connect(conversationId);
    await client.changes.until(() =>
      client.heartbeats.some((heartbeat) => heartbeat.latest_event_id === 0),
    );
    await server.append(conversationId, [
      messageAction('one', 'agent'),
      messageAction('two', 'agent'),
    ]);
    await client.changes.until(() =>
      client.heartbeats.some((heartbeat) => heartbeat.latest_event_id === 2),
    );
    const ids = client.heartbeats.map((heartbeat) => heartbeat.latest_event_id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids); // never backwards
  });
});

describe('Socket.IO backpressure', () => {
  it('drops a Socket.IO client that stops reading while a fast one receives everything', async () => {
    const server = await startRealtimeApp(sqlite, {
      PARLEY_OUTBOUND_BUFFER_BYTES: String(256 * 1024),
    });
    try {
      const conversationId = await server.newConversation();
      const query = { conversation_id: conversationId, latest_event_id: '-1' };
      const slow = new SocketIoTestClient(server.url, query, { [testUserHeader]: 'alice' });
      const fast = new SocketIoTestClient(server.url, query, { [testUserHeader]: 'alice' });
      await slow.connected();
      await fast.connected();
      await slow.untilId(0);
      await fast.untilId(0);
      const engine = slow.socket.io.engine as unknown as {
        transport: { ws: { _socket: { pause(): void; resume(): void } } };
      };
      const rawSocket = engine.transport.ws._socket;
      rawSocket.pause();
      const chunk = 'z'.repeat(64 * 1024);
      let lastId = 0;
      for (let batch = 0; batch < 40; batch += 1) {
        const stored = await server.append(
          conversationId,
          Array.from({ length: 5 }, () => messageAction(chunk, 'agent')),
        );
        lastId = stored[stored.length - 1]?.id ?? lastId;
      }
      await fast.untilId(lastId);
      expect(fast.ids).toEqual(Array.from({ length: lastId + 1 }, (_, index) => index));
      const metrics = await server.app.metrics.render();
      expect(metrics.body).toMatch(
        /parley_realtime_slow_consumers_closed_total\{face="socket.io"\} 1/,
      );
      rawSocket.resume();
      await slow.untilDisconnected();
      expect(slow.ids.length).toBeLessThan(fast.ids.length);
      slow.close();
      fast.close();
    } finally {
      await server.cleanup();
    }
  });
});
