import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsEnvironment, addLocalUser, signIn } from '../../support/accounts.js';
import { SocketIoTestClient, V1TestClient, connectError } from '../../support/realtime-clients.js';
import {
  createConversation,
  createTestApi,
  request,
  type TestApi,
} from '../../support/test-api.js';
import { createSqliteDatabase } from '../../support/test-databases.js';

const sqlite = { name: 'sqlite' as const, available: true, create: createSqliteDatabase };

describe('accounts on both socket faces', () => {
  let api: TestApi;
  let url: string;
  let wsUrl: string;
  let adaCookie: string;
  let bobCookie: string;
  let adaConversation: string;
  let bobConversation: string;

  const newToken = async (cookie: string, name: string) => {
    const response = await request(api.app, 'POST', '/api/auth/tokens', {
      payload: { name },
      headers: { cookie },
    });
    return response.body as { id: string; token: string };
  };
  const v1Url = (conversationId: string, query = '') =>
    `${wsUrl}/sockets/events/${conversationId}${query === '' ? '' : `?${query}`}`;

  beforeAll(async () => {
    api = await createTestApi(sqlite, {
      agentLoops: 'log-only',
      env: { ...accountsEnvironment, PARLEY_SOCKET_AUTH_TIMEOUT_MS: '60000' },
    });
    const address = await api.app.listen();
    url = `http://127.0.0.1:${address.port}`;
    wsUrl = `ws://127.0.0.1:${address.port}`;
    await addLocalUser(api.app.database, 'ada', 'correct horse');
    await addLocalUser(api.app.database, 'bob', 'battery staple');
    adaCookie = await signIn(api.app, 'ada', 'correct horse');
    bobCookie = await signIn(api.app, 'bob', 'battery staple');
    adaConversation = await createConversation(api.app, {}, { cookie: adaCookie });
    bobConversation = await createConversation(api.app, {}, { cookie: bobCookie });
  });
  afterAll(async () => api.cleanup());

  it('Socket.IO: admits the session cookie or a token as session_api_key, refuses the rest', async () => {
    const withCookie = new SocketIoTestClient(
      url,
      { conversation_id: adaConversation },
      {
        cookie: adaCookie,
      },
    );
    await withCookie.connected();
    withCookie.close();
    const { token } = await newToken(adaCookie, 'socket.io');
    const withToken = new SocketIoTestClient(url, {
      conversation_id: adaConversation,
      session_api_key: token,
    });
    await withToken.connected();
    withToken.close();
    // Or in Socket.IO's connect `auth` payload.
    const withAuthPayload = new SocketIoTestClient(
      url,
      { conversation_id: adaConversation },
      {},
      { auth: { session_api_key: token } },
    );
    await withAuthPayload.connected();
    withAuthPayload.close();

    const anonymous = await connectError(url, { conversation_id: adaConversation });
    expect(anonymous.message).toBe('Sign in first');
    expect(anonymous.data).toMatchObject({ code: 'AUTH_REQUIRED' });
    const forged = await connectError(url, {
      conversation_id: adaConversation,
      session_api_key: 'pat_forged',
    });
    expect(forged.data).toMatchObject({ code: 'AUTH_REQUIRED' });
    // Another user's conversation answers exactly as a missing one.
    const foreign = await connectError(
      url,
      { conversation_id: bobConversation },
      {
        cookie: adaCookie,
      },
    );
    const missing = await connectError(
      url,
      { conversation_id: 'f'.repeat(32) },
      {
        cookie: adaCookie,
      },
    );
    expect(foreign.message).toBe('Conversation not found');
    expect({ message: foreign.message, data: foreign.data }).toEqual({
      message: missing.message,
      data: missing.data,
    });
  });

  it('V1: admits the cookie, a token in the URL or in an auth frame; refuses with 4001', async () => {
    const withCookie = new V1TestClient(v1Url(adaConversation), { cookie: adaCookie });
    await withCookie.changes.until(() => withCookie.snapshots.length === 1);
    withCookie.close();

    const { token } = await newToken(adaCookie, 'v1');
    const inUrl = new V1TestClient(v1Url(adaConversation, `session_api_key=${token}`));
    await inUrl.changes.until(() => inUrl.snapshots.length === 1);
    inUrl.close();

    const byFrame = new V1TestClient(v1Url(adaConversation));
    await byFrame.untilOpen();
    byFrame.send({ type: 'auth', session_api_key: token });
    await byFrame.changes.until(() => byFrame.snapshots.length === 1);
    byFrame.close();

    const wrongFrame = new V1TestClient(v1Url(adaConversation));
    await wrongFrame.untilOpen();
    wrongFrame.send({ type: 'auth', session_api_key: 'pat_forged' });
    await wrongFrame.untilClosed();
    expect(wrongFrame.closeCode).toBe(4001);
    expect(wrongFrame.snapshots).toEqual([]);

    // A page on another localhost port is same-site (the cookie goes along): refused.
    const otherPort = new V1TestClient(v1Url(adaConversation), {
      cookie: adaCookie,
      origin: 'http://localhost:9999',
    });
    await otherPort.untilClosed();
    expect(otherPort.opened).toBe(false);
    const otherPortSocketIo = await connectError(
      url,
      { conversation_id: adaConversation },
      {
        cookie: adaCookie,
        origin: 'http://localhost:9999',
      },
    );
    expect(otherPortSocketIo.message).toBe('websocket error'); // the handshake was refused

    const foreign = new V1TestClient(v1Url(bobConversation), { cookie: adaCookie });
    await foreign.untilClosed();
    expect(foreign.closeCode).toBe(4004);
  });

  it('closes the live sockets of a user whose token is revoked, on both faces', async () => {
    const created = await newToken(adaCookie, 'to revoke');
    const socketIo = new SocketIoTestClient(url, {
      conversation_id: adaConversation,
      session_api_key: created.token,
    });
    await socketIo.connected();
    const v1 = new V1TestClient(v1Url(adaConversation, `session_api_key=${created.token}`));
    await v1.changes.until(() => v1.snapshots.length === 1);
    const bobs = new SocketIoTestClient(
      url,
      { conversation_id: bobConversation },
      {
        cookie: bobCookie,
      },
    );
    await bobs.connected();

    const revoked = await request(api.app, 'DELETE', `/api/auth/tokens/${created.id}`, {
      headers: { cookie: adaCookie },
    });
    expect(revoked.status).toBe(204);
    await socketIo.untilDisconnected();
    expect(socketIo.errors).toEqual([
      expect.objectContaining({ code: 'AUTH_REQUIRED', error: true }),
    ]);
    await v1.untilClosed();
    expect(v1.closeCode).toBe(4001);
    expect(v1.closeReason).toBe('signed out');
    // Bob's connection is not touched.
    expect(bobs.socket.connected).toBe(true);
    bobs.close();
    // The revoked token does not get back in.
    const again = await connectError(url, {
      conversation_id: adaConversation,
      session_api_key: created.token,
    });
    expect(again.data).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('closes the sockets of a user who signs out', async () => {
    const cookie = await signIn(api.app, 'bob', 'battery staple');
    const socketIo = new SocketIoTestClient(url, { conversation_id: bobConversation }, { cookie });
    await socketIo.connected();
    const v1 = new V1TestClient(v1Url(bobConversation), { cookie });
    await v1.changes.until(() => v1.snapshots.length === 1);
    await request(api.app, 'POST', '/api/auth/logout', { headers: { cookie } });
    await socketIo.untilDisconnected();
    await v1.untilClosed();
    expect(v1.closeCode).toBe(4001);
    const again = new V1TestClient(v1Url(bobConversation), { cookie });
    await again.untilOpen();
    // No cookie session any more: the connection must authenticate by frame, and a bad one ends it.
    again.send({ type: 'auth', session_api_key: 'pat_forged' });
    await again.untilClosed();
    expect(again.closeCode).toBe(4001);
  });
});
