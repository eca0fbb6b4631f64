/**
 * HAProxy (deploy/haproxy.cfg) in front of two real Parley processes on one PostgreSQL database:
 * REST, Socket.IO over the websocket and the long-polling transports, and the V1 WebSocket all
 * pass through it; a polling session stays on one process thanks to the stickiness cookie, and
 * breaks without it. Nothing here depends on which process runs a conversation's agent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStoppedConversation,
  startCluster,
  type TestCluster,
} from '../../support/cluster.js';
import { clusterPrerequisites } from '../../support/cluster-prerequisites.js';
import { io } from 'socket.io-client';
import {
  Condition,
  SocketIoTestClient,
  V1TestClient,
  type TestSocket,
} from '../../support/realtime-clients.js';

const available = await clusterPrerequisites();

interface Answer {
  status: number;
  backend: string | null;
  body: string;
  setCookie: string | null;
}

async function call(
  url: string,
  options: { method?: string; body?: string; cookie?: string } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    },
    body: options.body,
  });
  return {
    status: response.status,
    backend: response.headers.get('x-parley-backend'),
    body: await response.text(),
    setCookie: response.headers.get('set-cookie'),
  };
}

/** A conversation whose agent loop is not running anywhere (see createStoppedConversation). */
async function createConversation(proxyUrl: string): Promise<string> {
  return (await createStoppedConversation(proxyUrl)).id;
}

/** Whether an `oh_event` (V0) or a V1 frame carries `text` (a user message sent by the test). */
const carries = (frame: Record<string, unknown>, text: string) =>
  JSON.stringify(frame).includes(text);

describe.skipIf(!available)('HAProxy in front of two Parley processes', { timeout: 60_000 }, () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startCluster({ processes: 2 });
  }, 90_000);
  afterAll(() => cluster?.stop());

  it('forwards REST to every process, and any process serves what another stored', async () => {
    const id = await createConversation(cluster.proxyUrl);
    const backends = new Set<string | null>();
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const answer = await call(`${cluster.proxyUrl}/api/conversations/${id}`);
      expect(answer.status, answer.body).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ conversation_id: id });
      backends.add(answer.backend);
    }
    expect([...backends].sort()).toEqual(['parley-1', 'parley-2']);
    // The stickiness cookie picks the process.
    for (const name of ['parley-1', 'parley-2']) {
      const answer = await call(`${cluster.proxyUrl}/api/conversations/${id}`, {
        cookie: `SERVERID=${name}`,
      });
      expect(answer.backend).toBe(name);
      expect(answer.setCookie).toBeNull();
    }
  });

  it('carries Socket.IO over the websocket transport', async () => {
    const id = await createConversation(cluster.proxyUrl);
    const client = new SocketIoTestClient(cluster.proxyUrl, {
      conversation_id: id,
      latest_event_id: '-1',
    });
    try {
      await client.connected();
      const text = `over websocket ${randomUUID()}`;
      client.socket.emit('oh_user_action', { action: 'message', args: { content: text } });
      await client.changes.until(() => client.events.some((event) => carries(event, text)));
      expect(client.ids).toEqual([...new Set(client.ids)].sort((left, right) => left - right));
    } finally {
      client.close();
    }
  });

  it('keeps a Socket.IO long-polling session on one process, and its events arrive', async () => {
    const id = await createConversation(cluster.proxyUrl);
    const before = await cluster.serverStats();
    const client = new SocketIoTestClient(
      cluster.proxyUrl,
      { conversation_id: id, latest_event_id: '-1' },
      {},
      { transport: 'polling', withCredentials: true },
    );
    let after;
    try {
      await client.connected();
      const text = `over polling ${randomUUID()}`;
      client.socket.emit('oh_user_action', { action: 'message', args: { content: text } });
      await client.changes.until(() => client.events.some((event) => carries(event, text)));
      after = await cluster.serverStats();
    } finally {
      client.close();
    }
    // Every request of the session (handshake, connect, the message, the polls) went to one server.
    const requestsPerServer = ['parley-1', 'parley-2'].map(
      (name) => (after.get(name)?.requests ?? 0) - (before.get(name)?.requests ?? 0),
    );
    expect(requestsPerServer.filter((requests) => requests > 0)).toHaveLength(1);
    expect(Math.max(...requestsPerServer)).toBeGreaterThanOrEqual(3);
  });

  it('upgrades a polling session to a WebSocket on the same process, as a browser does', async () => {
    const id = await createConversation(cluster.proxyUrl);
    const before = await cluster.serverStats();
    // socket.io-client's default: long-polling first, then the upgrade, with the cookie on both.
    const socket: TestSocket = io(cluster.proxyUrl, {
      query: { conversation_id: id, latest_event_id: '-1' },
      withCredentials: true,
      reconnection: false,
      forceNew: true,
    });
    const events: Record<string, unknown>[] = [];
    const changes = new Condition();
    let upgradedTo: string | undefined;
    socket.on('oh_event', (event) => {
      events.push(event);
      changes.notify();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.io.engine.on('upgrade', (transport) => {
        upgradedTo = transport.name;
        changes.notify();
      });
      await changes.until(
        () => upgradedTo !== undefined || socket.io.engine.transport.name === 'websocket',
      );
      expect(socket.io.engine.transport.name).toBe('websocket');
      const text = `after the upgrade ${randomUUID()}`;
      socket.emit('oh_user_action', { action: 'message', args: { content: text } });
      await changes.until(() => events.some((event) => carries(event, text)));
    } finally {
      socket.disconnect();
    }
    const after = await cluster.serverStats();
    const requestsPerServer = ['parley-1', 'parley-2'].map(
      (name) => (after.get(name)?.requests ?? 0) - (before.get(name)?.requests ?? 0),
    );
    // The polling requests and the upgrade request all reached one process.
    expect(requestsPerServer.filter((requests) => requests > 0)).toHaveLength(1);
  });

  it('breaks a polling session that loses its stickiness cookie (why the cookie is there)', async () => {
    const id = await createConversation(cluster.proxyUrl);
    const base = `${cluster.proxyUrl}/socket.io/?EIO=4&transport=polling`;
    const handshake = await call(`${base}&conversation_id=${id}&latest_event_id=-1`);
    expect(handshake.status, handshake.body).toBe(200);
    const owner = handshake.backend ?? '';
    expect(handshake.setCookie).toBe(`SERVERID=${owner}; path=/`);
    const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
    const other = owner === 'parley-1' ? 'parley-2' : 'parley-1';

    // The Socket.IO connect packet, sent to the other process: it has never heard of the session.
    const lost = await call(`${base}&sid=${sid}`, {
      method: 'POST',
      body: '40',
      cookie: `SERVERID=${other}`,
    });
    expect(lost.backend).toBe(other);
    expect(lost.status).toBe(400);
    expect(JSON.parse(lost.body)).toMatchObject({ message: 'Session ID unknown' });

    // With the cookie HAProxy set, the same requests reach the session and it connects.
    const sent = await call(`${base}&sid=${sid}`, {
      method: 'POST',
      body: '40',
      cookie: `SERVERID=${owner}`,
    });
    expect([sent.status, sent.backend, sent.body]).toEqual([200, owner, 'ok']);
    const connected = await call(`${base}&sid=${sid}`, { cookie: `SERVERID=${owner}` });
    expect(connected.backend).toBe(owner);
    expect(connected.body).toMatch(/^40\{"sid":/);
  });

  it('carries the V1 WebSocket', async () => {
    const id = await createConversation(cluster.proxyUrl);
    const socketUrl = `${cluster.proxyUrl.replace('http:', 'ws:')}/sockets/events/${id}?resend_all=true`;
    const client = new V1TestClient(socketUrl);
    try {
      await client.untilOpen();
      await client.changes.until(() => client.snapshots.length === 1);
      const text = `over the V1 socket ${randomUUID()}`;
      client.send({ role: 'user', content: [{ type: 'text', text }] });
      await client.changes.until(() => client.events.some((frame) => carries(frame, text)));
      expect(client.closeCode).toBeUndefined();
      expect(client.ids).toEqual([...new Set(client.ids)].sort((left, right) => left - right));
    } finally {
      client.close();
    }
  });
});
