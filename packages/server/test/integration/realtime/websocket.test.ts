import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../../src/config/load-config.js';
import type { NewEvent } from '../../../src/events/event-store.js';
import { v1FullStateSchema, v1ServerFrameSchema } from '@parley/protocol';
import { agentStateChanged, messageAction, runAction } from '../../support/event-fixtures.js';
import { testUserHeader } from '../../support/header-user-auth.js';
import { SocketIoTestClient, V1TestClient, idsThrough } from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import {
  createSqliteDatabase,
  testDatabaseBackends,
  type TestDatabaseBackend,
} from '../../support/test-databases.js';

const sqlite: TestDatabaseBackend = {
  name: 'sqlite',
  available: true,
  create: createSqliteDatabase,
};
const backends = await testDatabaseBackends();

function messages(count: number, label: string): NewEvent[] {
  return Array.from({ length: count }, (_, index) => messageAction(`${label} ${index}`, 'agent'));
}

let server: RealtimeTestApp;
const clients: V1TestClient[] = [];

async function start(env: Environment = {}, backend = sqlite): Promise<void> {
  server = await startRealtimeApp(backend, env);
}

function open(conversationId: string, query = '', user = 'alice'): V1TestClient {
  const client = new V1TestClient(
    `${server.wsUrl}/sockets/events/${encodeURIComponent(conversationId)}${query === '' ? '' : `?${query}`}`,
    { [testUserHeader]: user },
  );
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server.cleanup();
});

describe('V1 WebSocket: authentication and refusals', () => {
  it('admits a key in the query and sends the log as V1 frames', async () => {
    await start({ SESSION_API_KEY: 'the-key' });
    const conversationId = await server.newConversation();
    await server.append(conversationId, [messageAction('hi there', 'user'), runAction('ls')]);
    const client = open(conversationId, 'session_api_key=the-key&resend_all=true');
    await client.untilId(2);
    expect(client.ids).toEqual([0, 1, 2]);
    const [state, message, action] = client.events;
    expect(state).toMatchObject({
      kind: 'ConversationStateUpdateEvent',
      id: '0',
      source: 'environment',
      key: 'execution_status',
    });
    expect(message).toMatchObject({
      kind: 'MessageEvent',
      id: '1',
      source: 'user',
      llm_message: { role: 'user', content: [{ type: 'text', text: 'hi there' }] },
    });
    expect(action).toMatchObject({ kind: 'ActionEvent', id: '2', source: 'agent' });
    for (const event of client.events) expect(typeof event['timestamp']).toBe('string');
  });

  it('closes with 4001 after accepting when the query key is wrong', async () => {
    await start({ SESSION_API_KEY: 'the-key' });
    const conversationId = await server.newConversation();
    const client = open(conversationId, 'session_api_key=wrong&resend_all=true');
    await client.untilClosed();
    expect(client.opened).toBe(true);
    expect(client.closeCode).toBe(4001);
    expect(client.events).toEqual([]);
  });

  it('closes with 4001 a repeated session_api_key, whichever copy is right', async () => {
    await start({ SESSION_API_KEY: 'the-key' });
    const conversationId = await server.newConversation();
    for (const keys of [
      'session_api_key=wrong&session_api_key=the-key',
      'session_api_key=the-key&session_api_key=wrong',
      'session_api_key=the-key&session_api_key=the-key',
    ]) {
      const client = open(conversationId, `${keys}&resend_all=true`);
      await client.untilClosed();
      expect(client.closeCode).toBe(4001);
      expect(client.events).toEqual([]);
    }
    const single = open(conversationId, 'session_api_key=the-key&resend_all=true');
    await single.untilId(0);
  });

  it('admits a right first auth frame and refuses a wrong one or any other first frame', async () => {
    await start({ SESSION_API_KEY: 'the-key' });
    const conversationId = await server.newConversation();
    const good = open(conversationId, 'resend_all=true');
    await good.untilOpen();
    good.send({ type: 'auth', session_api_key: 'the-key' });
    await good.untilId(0);

    const wrong = open(conversationId, 'resend_all=true');
    await wrong.untilOpen();
    wrong.send({ type: 'auth', session_api_key: 'nope' });
    await wrong.untilClosed();
    expect(wrong.closeCode).toBe(4001);

    const other = open(conversationId, 'resend_all=true');
    await other.untilOpen();
    other.send({ role: 'user', content: [{ type: 'text', text: 'let me in' }] });
    await other.untilClosed();
    expect(other.closeCode).toBe(4001);
    expect(await server.app.eventStore.latestId(conversationId)).toBe(0);
  });

  it('closes with 4001 a client that presents no key and sends nothing within the auth window', async () => {
    await start({ SESSION_API_KEY: 'the-key', PARLEY_SOCKET_AUTH_TIMEOUT_MS: '50' });
    const conversationId = await server.newConversation();
    const silent = open(conversationId, 'resend_all=true');
    await silent.untilOpen();
    await silent.untilClosed();
    expect(silent.closeCode).toBe(4001);
    expect(silent.closeReason).toBe('Authentication timed out');
    expect(silent.frames).toEqual([]);
  });

  it('closes with 4004 for an unknown conversation and for another user’s', async () => {
    await start();
    const conversationId = await server.newConversation('alice');
    const unknown = open('does-not-exist', 'resend_all=true');
    await unknown.untilClosed();
    expect(unknown.closeCode).toBe(4004);
    const foreign = open(conversationId, 'resend_all=true', 'mallory');
    await foreign.untilClosed();
    expect(foreign.closeCode).toBe(4004);
    expect(foreign.events).toEqual([]);
  });

  it('refuses upgrades on unknown paths without disturbing Socket.IO or V1', async () => {
    await start();
    const stray = new V1TestClient(`${server.wsUrl}/not-a-socket`);
    await stray.changes.until(() => stray.closeCode !== undefined);
    expect(stray.opened).toBe(false);
  });
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`V1 WebSocket: resume on ${backend.name}`, () => {
    it('resends everything with resend_all, the rest after after_id, and only new events otherwise', async () => {
      await start({ PARLEY_HEARTBEAT_INTERVAL_MS: '20' }, backend);
      const conversationId = await server.newConversation();
      await server.append(conversationId, messages(10, 'history'));
      const all = open(conversationId, 'resend_all=true');
      const after = open(conversationId, 'after_id=6');
      const fresh = open(conversationId);
      await all.untilId(10);
      await after.untilId(10);
      // Heartbeats go to live connections only: once one arrives, the fresh client is live.
      await fresh.changes.until(() => fresh.frames.some((frame) => frame['kind'] === 'Heartbeat'));
      await server.append(conversationId, messages(2, 'live'));
      await all.untilId(12);
      await after.untilId(12);
      await fresh.untilId(12);
      expect(all.ids).toEqual(idsThrough(12));
      expect(after.ids).toEqual(idsThrough(12, 7));
      expect(fresh.ids).toEqual([11, 12]);
    });

    it('delivers every id exactly once when events are appended during the replay', async () => {
      await start({}, backend);
      const conversationId = await server.newConversation();
      await server.append(conversationId, messages(300, 'history'));
      const appending = (async () => {
        for (let batch = 0; batch < 200; batch += 1) {
          await server.append(conversationId, messages(5, 'busy'));
        }
      })();
      const client = open(conversationId, 'resend_all=true');
      await appending;
      await client.untilId(1300);
      expect(client.ids).toEqual(idsThrough(1300));
    });
  });
}

describe('V1 WebSocket: full_state snapshot', () => {
  function snapshotOf(client: V1TestClient): Record<string, unknown> {
    const [snapshot] = client.snapshots;
    if (snapshot === undefined) throw new Error('no full_state snapshot');
    return snapshot;
  }

  it('sends one snapshot first, with the status of the latest agent-state change in the log', async () => {
    await start();
    const conversationId = await server.newConversation();
    await server.append(conversationId, [
      agentStateChanged('running'),
      messageAction('working on it', 'agent'),
      agentStateChanged('awaiting_user_input'),
      messageAction('done?', 'agent'),
    ]);
    const latest = await server.app.eventStore.latestId(conversationId);
    const client = open(conversationId, 'resend_all=true');
    await client.untilId(latest);
    expect(client.snapshots).toHaveLength(1);
    const snapshot = snapshotOf(client);
    expect(client.frames[0]).toBe(snapshot);
    expect(v1ServerFrameSchema.parse(snapshot)).toEqual(snapshot);
    expect(snapshot).toMatchObject({
      kind: 'ConversationStateUpdateEvent',
      source: 'environment',
      key: 'full_state',
    });
    expect(v1FullStateSchema.parse(snapshot['value'])).toEqual({
      id: conversationId,
      conversation_id: conversationId,
      execution_status: 'idle',
      agent_state: 'awaiting_user_input',
      latest_event_id: latest,
    });
    // Its id can never be read as a log id.
    expect(String(snapshot['id'])).not.toMatch(/^\s*[+-]?\d+\s*$/);
    expect(client.ids).toEqual(idsThrough(latest));

    // A later change arrives as a log event; the next connection's snapshot already has it.
    await server.append(conversationId, [agentStateChanged('stopped')]);
    await client.untilId(latest + 1);
    expect(client.events.at(-1)).toMatchObject({ key: 'execution_status', value: 'paused' });
    expect(client.snapshots).toHaveLength(1);
    const next = open(conversationId);
    await next.changes.until(() => next.snapshots.length === 1);
    expect(snapshotOf(next)['value']).toMatchObject({
      execution_status: 'paused',
      agent_state: 'stopped',
      latest_event_id: latest + 1,
    });
    expect(next.events).toEqual([]);
  });

  it('reads idle, without an agent state, when the log is empty', async () => {
    await start();
    const conversationId = await server.newConversation();
    await server.app.eventStore.deleteConversation(conversationId);
    const client = open(conversationId, 'resend_all=true');
    await client.changes.until(() => client.snapshots.length === 1);
    expect(snapshotOf(client)['value']).toEqual({
      id: conversationId,
      conversation_id: conversationId,
      execution_status: 'idle',
      latest_event_id: -1,
    });
  });

  it('leaves after_id resumes exact, even when a client resumes with the snapshot’s id', async () => {
    await start();
    const conversationId = await server.newConversation();
    await server.append(conversationId, messages(10, 'history'));
    const latest = await server.app.eventStore.latestId(conversationId);
    const middle = latest - 5;
    const first = open(conversationId, `after_id=${middle}`);
    await first.untilId(latest);
    expect(first.ids).toEqual(idsThrough(latest, middle + 1));
    expect(snapshotOf(first)['value']).toMatchObject({ latest_event_id: latest });

    // Resuming from the last log id it has: nothing again, then only what is new.
    const caughtUp = open(conversationId, `after_id=${Math.max(...first.ids)}`);
    await caughtUp.changes.until(() => caughtUp.snapshots.length === 1);
    await server.append(conversationId, messages(2, 'new'));
    await caughtUp.untilId(latest + 2);
    expect(caughtUp.ids).toEqual([latest + 1, latest + 2]);

    // Resuming with a snapshot's id: from where that snapshot stood in its stream.
    const fromFirstSnapshot = open(
      conversationId,
      `after_id=${encodeURIComponent(String(snapshotOf(first)['id']))}`,
    );
    const fromCaughtUpSnapshot = open(
      conversationId,
      `after_id=${encodeURIComponent(String(snapshotOf(caughtUp)['id']))}`,
    );
    await fromFirstSnapshot.untilId(latest + 2);
    await fromCaughtUpSnapshot.untilId(latest + 2);
    expect(fromFirstSnapshot.ids).toEqual(idsThrough(latest + 2, middle + 1));
    expect(fromCaughtUpSnapshot.ids).toEqual([latest + 1, latest + 2]);
  });
});

describe('V1 WebSocket: messages and bad frames', () => {
  it('appends a user message frame and echoes it as a MessageEvent', async () => {
    await start();
    const conversationId = await server.newConversation();
    const client = open(conversationId, 'resend_all=true');
    await client.untilId(0);
    client.send({ role: 'user', content: [{ type: 'text', text: 'from V1' }] });
    await client.untilId(1);
    expect(client.events[1]).toMatchObject({
      kind: 'MessageEvent',
      source: 'user',
      llm_message: { role: 'user', content: [{ type: 'text', text: 'from V1' }] },
    });
  });

  it('handles messages sent right behind the auth frame, before admission, in order', async () => {
    await start({ SESSION_API_KEY: 'the-key' });
    const conversationId = await server.newConversation();
    const client = open(conversationId, 'resend_all=true');
    await client.untilOpen();
    client.send({ type: 'auth', session_api_key: 'the-key' });
    client.send({ role: 'user', content: [{ type: 'text', text: 'first' }] });
    client.send({ type: 'auth', session_api_key: 'the-key' });
    client.send({ role: 'user', content: [{ type: 'text', text: 'second' }] });
    await client.untilId(2);
    expect(client.ids).toEqual([0, 1, 2]);
    expect(client.events.slice(1).map((event) => event['llm_message'])).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'first' }] },
      { role: 'user', content: [{ type: 'text', text: 'second' }] },
    ]);
    expect(client.frames.filter((frame) => frame['kind'] === 'Error')).toEqual([]);
  });

  it('answers malformed, mistyped and binary frames with an error frame and appends nothing', async () => {
    await start();
    const conversationId = await server.newConversation();
    const client = open(conversationId, 'resend_all=true');
    const bystander = open(conversationId, 'resend_all=true');
    await client.untilId(0);
    await bystander.untilId(0);
    client.send('{not json');
    client.send({ role: 'user', content: 'not a list' });
    client.send({ role: 'assistant', content: [{ type: 'text', text: 'pretend' }] });
    client.send({ action: 'message', args: { content: 'a V0 dict' } });
    client.send([1, 2, 3]);
    client.socket.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    const errors = () => client.frames.filter((frame) => frame['kind'] === 'Error');
    await client.changes.until(() => errors().length === 6);
    for (const error of errors()) expect(error).toMatchObject({ code: 'SOCKET_MESSAGE_INVALID' });
    expect(await server.app.eventStore.latestId(conversationId)).toBe(0);
    client.send({ role: 'user', content: [{ type: 'text', text: 'valid after all' }] });
    await bystander.untilId(1);
    expect(bystander.frames.filter((frame) => frame['kind'] === 'Error')).toEqual([]);
  });

  it('closes an oversized frame with 1009 and nobody else', async () => {
    await start();
    const conversationId = await server.newConversation();
    const big = open(conversationId, 'resend_all=true');
    const other = open(conversationId, 'resend_all=true');
    await big.untilId(0);
    await other.untilId(0);
    big.send({ role: 'user', content: [{ type: 'text', text: 'x'.repeat(4 * 1024 * 1024) }] });
    await big.untilClosed();
    expect(big.closeCode).toBe(1009);
    expect(await server.app.eventStore.latestId(conversationId)).toBe(0);
    await server.append(conversationId, messages(1, 'still'));
    await other.untilId(1);
  });

  it('rate-limits a flood and then closes it with 1008', async () => {
    await start({ PARLEY_SOCKET_MESSAGES_PER_SECOND: '1', PARLEY_SOCKET_MESSAGE_BURST: '5' });
    const conversationId = await server.newConversation();
    const flooder = open(conversationId, 'resend_all=true');
    await flooder.untilId(0);
    for (let index = 0; index < 100; index += 1) {
      flooder.send({ role: 'user', content: [{ type: 'text', text: `spam ${index}` }] });
    }
    await flooder.untilClosed();
    expect(flooder.closeCode).toBe(1008);
    expect(flooder.frames.some((frame) => frame['code'] === 'SOCKET_RATE_LIMITED')).toBe(true);
    expect(await server.app.eventStore.latestId(conversationId)).toBeLessThanOrEqual(7);
  });

  it('sends StreamingDeltaEvent frames only with stream=true, and heartbeats to everyone', async () => {
    await start({ PARLEY_HEARTBEAT_INTERVAL_MS: '20' });
    const conversationId = await server.newConversation();
    const streaming = open(conversationId, 'resend_all=true&stream=true');
    const plain = open(conversationId, 'resend_all=true');
    await streaming.untilId(0);
    await plain.untilId(0);
    await server.append(conversationId, [
      { source: 'agent', streaming_delta: { content: 'Hi' } } as NewEvent,
      messageAction('Hi', 'agent'),
    ]);
    await streaming.untilId(2);
    await plain.untilId(2);
    expect(streaming.events.map((event) => event['kind'])).toEqual([
      'ConversationStateUpdateEvent',
      'StreamingDeltaEvent',
      'MessageEvent',
    ]);
    expect(plain.ids).toEqual([0, 2]);
    await plain.changes.until(() =>
      plain.frames.some((frame) => frame['kind'] === 'Heartbeat' && frame['latest_event_id'] === 2),
    );
  });
});

describe('Backpressure and shutdown', () => {
  it('cuts a client that stops reading with 4008 while a fast client receives everything', async () => {
    await start({ PARLEY_OUTBOUND_BUFFER_BYTES: String(256 * 1024) });
    const conversationId = await server.newConversation();
    const slow = open(conversationId);
    const fast = open(conversationId);
    await slow.untilOpen();
    await fast.untilOpen();
    // Let both go live: an event reaches both.
    await server.append(conversationId, messages(1, 'warm-up'));
    await slow.untilId(1);
    await fast.untilId(1);
    const rawSocket = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })
      ._socket;
    rawSocket.pause();
    const chunk = 'y'.repeat(64 * 1024);
    let lastId = 1;
    for (let batch = 0; batch < 40; batch += 1) {
      const stored = await server.append(
        conversationId,
        Array.from({ length: 5 }, () => messageAction(chunk, 'agent')),
      );
      lastId = stored[stored.length - 1]?.id ?? lastId;
    }
    await fast.untilId(lastId);
    expect(fast.ids).toEqual(idsThrough(lastId, 1));
    const metrics = await server.app.metrics.render();
    expect(metrics.body).toMatch(
      /parley_realtime_slow_consumers_closed_total\{face="websocket"\} 1/,
    );
    rawSocket.resume();
    await slow.untilClosed();
    expect(slow.closeCode).toBe(4008);
    expect(slow.closeReason).toBe('slow consumer');
    expect(slow.ids.length).toBeLessThan(fast.ids.length);
  });

  it('closes sockets with 1001 on shutdown after pending appends are flushed', async () => {
    await start();
    const conversationId = await server.newConversation();
    const client = open(conversationId, 'resend_all=true');
    const socketIo = new SocketIoTestClient(
      server.url,
      { conversation_id: conversationId, latest_event_id: '-1' },
      { [testUserHeader]: 'alice' },
    );
    await socketIo.connected();
    await client.untilId(0);
    await socketIo.untilId(0);
    const appending = server.append(conversationId, messages(3, 'last words'));
    await server.app.close();
    await appending;
    await client.untilClosed();
    expect(client.closeCode).toBe(1001);
    expect(client.ids).toEqual(idsThrough(3));
    await socketIo.untilDisconnected();
    expect(socketIo.disconnectReason).toBe('io server disconnect');
    expect(socketIo.ids).toEqual(idsThrough(3));
    await server.app.close(); // idempotent
  });
});
