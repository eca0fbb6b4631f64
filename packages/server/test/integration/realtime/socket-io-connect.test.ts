import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HeaderUserAuth, testUserHeader } from '../../support/header-user-auth.js';
import { SocketIoTestClient, connectError } from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { createSqliteDatabase } from '../../support/test-databases.js';

const sqlite = { name: 'sqlite' as const, available: true, create: createSqliteDatabase };

describe('Socket.IO connect refusals and admission', () => {
  let server: RealtimeTestApp;
  let conversationId: string;

  beforeAll(async () => {
    server = await startRealtimeApp(sqlite, { SESSION_API_KEY: 'the-key' });
    conversationId = await server.newConversation('alice');
  });
  afterAll(async () => server.cleanup());

  it('refuses a connection without conversation_id', async () => {
    const error = await connectError(server.url, { session_api_key: 'the-key' });
    expect(error.message).toBe('No conversation_id in query params');
  });

  it('refuses an empty conversation_id the same way', async () => {
    const error = await connectError(server.url, {
      conversation_id: '',
      session_api_key: 'the-key',
    });
    expect(error.message).toBe('No conversation_id in query params');
  });

  it('refuses a missing key, the text "null" and a wrong key with invalid_session_api_key', async () => {
    const queries: Record<string, string>[] = [
      { conversation_id: conversationId },
      { conversation_id: conversationId, session_api_key: 'null' },
      { conversation_id: conversationId, session_api_key: 'wrong' },
    ];
    for (const query of queries) {
      const error = await connectError(server.url, query);
      expect(error.message).toBe('invalid_session_api_key');
    }
  });

  it('refuses a repeated session_api_key, whichever copy is right, as a wrong key', async () => {
    // socket.io-client cannot repeat a query parameter, so this speaks engine.io over a raw
    // WebSocket: the open packet, then a CONNECT to "/" answered by CONNECT or CONNECT_ERROR.
    const connectPacket = async (query: string): Promise<string> => {
      const socket = new WebSocket(
        `${server.wsUrl}/socket.io/?EIO=4&transport=websocket&${query}`,
        { headers: { [testUserHeader]: 'alice' } },
      );
      try {
        return await new Promise<string>((resolve, reject) => {
          socket.on('error', reject);
          socket.on('message', (data) => {
            const packet = String(data);
            if (packet.startsWith('0')) socket.send('40');
            else if (packet.startsWith('40') || packet.startsWith('44')) resolve(packet);
          });
        });
      } finally {
        socket.close();
      }
    };
    const id = `conversation_id=${conversationId}`;
    expect(await connectPacket(`${id}&session_api_key=the-key`)).toMatch(/^40\{"sid"/);
    for (const keys of [
      'session_api_key=wrong&session_api_key=the-key',
      'session_api_key=the-key&session_api_key=wrong',
      'session_api_key=the-key&session_api_key=the-key',
    ]) {
      const packet = await connectPacket(`${id}&${keys}`);
      expect(packet.startsWith('44')).toBe(true);
      expect(JSON.parse(packet.slice(2))).toMatchObject({ message: 'invalid_session_api_key' });
    }
  });

  it('refuses an unknown conversation and never creates it', async () => {
    const error = await connectError(server.url, {
      conversation_id: 'no-such-conversation',
      session_api_key: 'the-key',
    });
    expect(error.message).toBe('Conversation not found');
    expect(error.data).toMatchObject({ msg_id: 'CONVERSATION$NOT_FOUND' });
    const count = await server.app.eventStore.count('no-such-conversation');
    expect(count).toBe(0);
  });

  it("refuses another user's conversation exactly like a missing one", async () => {
    const error = await connectError(
      server.url,
      { conversation_id: conversationId, session_api_key: 'the-key' },
      { [testUserHeader]: 'mallory' },
    );
    expect(error.message).toBe('Conversation not found');
  });

  it('refuses an invalid conversation id', async () => {
    const error = await connectError(server.url, {
      conversation_id: '../etc',
      session_api_key: 'the-key',
    });
    expect(error.data).toMatchObject({ code: 'CONVERSATION_ID_INVALID' });
  });

  it('admits the owner with the right key and replays the log', async () => {
    const client = new SocketIoTestClient(server.url, {
      conversation_id: conversationId,
      latest_event_id: 'garbage',
      providers_set: '',
      session_api_key: 'the-key',
    });
    await client.connected();
    await client.untilId(0);
    expect(client.events[0]).toMatchObject({
      observation: 'agent_state_changed',
      extras: { agent_state: 'awaiting_user_input' },
    });
    client.close();
  });
});

describe('Socket.IO connect without settings', () => {
  let server: RealtimeTestApp;

  beforeAll(async () => {
    server = await startRealtimeApp(sqlite);
  });
  afterAll(async () => server.cleanup());

  it('refuses with Settings not found and the upstream msg_id', async () => {
    const conversationId = await server.newConversation('alice');
    // Restart with a default model that needs a key, none configured, and no stored settings.
    const app = await server.api.restart({
      env: { LLM_MODEL: 'openai/gpt-4o' },
      userAuth: new HeaderUserAuth(),
    });
    const address = await app.listen();
    const error = await connectError(`http://127.0.0.1:${address.port}`, {
      conversation_id: conversationId,
    });
    expect(error.message).toBe('Settings not found');
    expect(error.data).toEqual({
      code: 'SETTINGS_NOT_FOUND',
      msg_id: 'CONFIGURATION$SETTINGS_NOT_FOUND',
    });
  });
});
