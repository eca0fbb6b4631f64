import { afterEach, describe, expect, it } from 'vitest';
import { messageAction } from '../../support/event-fixtures.js';
import { testUserHeader } from '../../support/header-user-auth.js';
import { SocketIoTestClient } from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { createSqliteDatabase } from '../../support/test-databases.js';

const sqlite = { name: 'sqlite' as const, available: true, create: createSqliteDatabase };

/**
 * A well-formed message action whose JSON nests `depth` levels: the action dict, its
 * `tool_call_metadata` and that metadata's free-form `model_response` are three of them, arrays
 * inside `model_response.deep` the rest.
 */
function messageNested(depth: number, content: string): unknown {
  const arrays = depth - 3;
  const metadata = `{"function_name":"f","tool_call_id":"c","total_calls_in_response":1,"model_response":{"deep":${'['.repeat(arrays)}${']'.repeat(arrays)}}}`;
  return JSON.parse(
    `{"action":"message","args":{"content":"${content}"},"tool_call_metadata":${metadata}}`,
  );
}

/** Writes one Socket.IO packet as raw text, as no stock encoder would (too deep to build). */
function sendRawPacket(client: SocketIoTestClient, packet: string): void {
  (client.socket.io.engine as unknown as { write(data: string): void }).write(packet);
}

describe('Socket.IO messages nested deeper than 64 levels', () => {
  let server: RealtimeTestApp;
  const clients: SocketIoTestClient[] = [];

  const connect = async (
    conversationId: string,
    transport: 'websocket' | 'polling' = 'websocket',
  ) => {
    const client = new SocketIoTestClient(
      server.url,
      { conversation_id: conversationId, latest_event_id: '-1' },
      { [testUserHeader]: 'alice' },
      { transport },
    );
    clients.push(client);
    await client.connected();
    await client.untilId(0);
    return client;
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.cleanup();
  });

  for (const transport of ['websocket', 'polling'] as const) {
    it(`answers a message nested 65 deep with an error frame, stores nothing and keeps the connection (${transport})`, async () => {
      server = await startRealtimeApp(sqlite);
      const conversationId = await server.newConversation();
      const sender = await connect(conversationId, transport);
      const watcher = await connect(conversationId);
      sender.socket.emit('oh_user_action', messageNested(65, 'too deep'));
      await sender.changes.until(() => sender.errors.length === 1);
      expect(sender.errors).toEqual([
        {
          error: true,
          code: 'SOCKET_MESSAGE_INVALID',
          message: 'JSON nested deeper than 64 levels',
        },
      ]);
      // The connection stays: the next message is taken, and it is the only one stored.
      sender.socket.emit('oh_user_action', messageNested(64, 'deep enough'));
      await watcher.untilId(1);
      expect(watcher.events[1]).toMatchObject({
        id: 1,
        source: 'user',
        action: 'message',
        args: { content: 'deep enough' },
      });
      expect(await server.app.eventStore.latestId(conversationId)).toBe(1);
      expect(JSON.stringify(watcher.events)).not.toContain('too deep');
      expect(watcher.errors).toEqual([]);
      expect(sender.disconnectReason).toBeUndefined();
    });
  }

  it('processes a message nested 64 deep as before', async () => {
    server = await startRealtimeApp(sqlite);
    const conversationId = await server.newConversation();
    const sender = await connect(conversationId);
    sender.socket.emit('oh_user_action', messageNested(64, 'sixty-four levels'));
    await sender.untilId(1);
    expect(sender.events[1]).toMatchObject({
      id: 1,
      source: 'user',
      action: 'message',
      message: 'sixty-four levels',
    });
    // Stored and sent with all its levels.
    const echoed = JSON.stringify(sender.events[1]?.['tool_call_metadata']);
    expect(echoed).toContain(`"deep":${'['.repeat(61)}]`);
    expect(echoed).not.toContain('['.repeat(62));
    expect(sender.errors).toEqual([]);
  });

  it('refuses a 4 MiB message nested 2M levels deep; the sender and a bystander carry on', async () => {
    server = await startRealtimeApp(sqlite);
    const conversationId = await server.newConversation();
    const otherConversation = await server.newConversation();
    const sender = await connect(conversationId);
    const bystander = await connect(otherConversation);
    // The deepest nesting that fits the 4 MiB message limit with the packet around it.
    const depth = 2 * 1024 * 1024 - 64;
    sendRawPacket(sender, `2["oh_user_action",${'['.repeat(depth)}${']'.repeat(depth)}]`);
    await sender.changes.until(() => sender.errors.length === 1);
    // Refused for its depth, before parsing (parsed, it would be refused as not an action dict).
    expect(sender.errors[0]).toMatchObject({
      code: 'SOCKET_MESSAGE_INVALID',
      message: 'JSON nested deeper than 64 levels',
    });
    expect(await server.app.eventStore.latestId(conversationId)).toBe(0);
    await server.append(otherConversation, [messageAction('still served', 'agent')]);
    await bystander.untilId(1);
    sender.socket.emit('oh_user_action', { action: 'message', args: { content: 'after it' } });
    await sender.untilId(1);
    expect(sender.disconnectReason).toBeUndefined();
    expect(bystander.disconnectReason).toBeUndefined();
  });

  it('closes the connection of an over-deep packet that is not an event, and no other', async () => {
    server = await startRealtimeApp(sqlite);
    const conversationId = await server.newConversation();
    const sender = await connect(conversationId);
    const bystander = await connect(conversationId);
    // An ACK whose arguments nest 65 deep: socket.io drops a connection whose packet it refuses.
    sendRawPacket(sender, `31[${'['.repeat(65)}${']'.repeat(65)}]`);
    await sender.untilDisconnected();
    expect(sender.errors).toEqual([]);
    await server.append(conversationId, [messageAction('still here', 'agent')]);
    await bystander.untilId(1);
    expect(bystander.disconnectReason).toBeUndefined();
  });
});
