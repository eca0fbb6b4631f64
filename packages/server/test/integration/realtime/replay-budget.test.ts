// The replay budget seen from the clients (R12): a client the budget cannot serve within its wait
// bound is refused with a clear reason on both faces, before its replay (Socket.IO connect_error,
// V1 close 1013) or in the middle of it (an error event then a disconnect, V1 close 1013), never
// cut silently; once the budget frees up, the same clients get their whole replay.
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetLease } from '../../../src/realtime/replay-budget.js';
import { messageAction } from '../../support/event-fixtures.js';
import { testUserHeader } from '../../support/header-user-auth.js';
import {
  SocketIoTestClient,
  V1TestClient,
  connectError,
  idsThrough,
} from '../../support/realtime-clients.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { createSqliteDatabase, type TestDatabaseBackend } from '../../support/test-databases.js';

const sqlite: TestDatabaseBackend = {
  name: 'sqlite',
  available: true,
  create: createSqliteDatabase,
};
const budgetBytes = 1024 * 1024;

let server: RealtimeTestApp;
const leases: BudgetLease[] = [];
const closers: (() => void)[] = [];

afterEach(async () => {
  for (const lease of leases.splice(0)) lease.release();
  for (const close of closers.splice(0)) close();
  await server.cleanup();
});

async function start(): Promise<void> {
  server = await startRealtimeApp(sqlite, {
    PARLEY_REPLAY_BUDGET_BYTES: String(budgetBytes),
    PARLEY_REPLAY_WAIT_MS: '100',
  });
}

/** Takes `bytes` of the app's replay budget, as other replays would. */
async function occupy(bytes: number): Promise<BudgetLease> {
  const lease = await server.app.realtime.replayBudget.acquire(bytes, { priority: 'continuing' });
  leases.push(lease);
  return lease;
}

function socketIo(conversationId: string): SocketIoTestClient {
  const client = new SocketIoTestClient(
    server.url,
    { conversation_id: conversationId, latest_event_id: '-1' },
    { [testUserHeader]: 'alice' },
  );
  closers.push(() => client.close());
  return client;
}

function v1(conversationId: string): V1TestClient {
  const client = new V1TestClient(
    `${server.wsUrl}/sockets/events/${conversationId}?resend_all=true`,
    { [testUserHeader]: 'alice' },
  );
  closers.push(() => client.close());
  return client;
}

describe('replay budget: clear refusals on both faces', () => {
  it('refuses before the replay while the budget is full, and serves the client once it is not', async () => {
    await start();
    const conversationId = await server.newConversation();
    const appended = await server.append(conversationId, [
      messageAction('one', 'agent'),
      messageAction('two'),
    ]);
    const lease = await occupy(budgetBytes);

    const refusal = await connectError(
      server.url,
      { conversation_id: conversationId, latest_event_id: '-1' },
      { [testUserHeader]: 'alice' },
    );
    expect(refusal.message).toMatch(/try again later/);
    expect(refusal.data).toMatchObject({ code: 'SOCKET_REPLAY_BUSY' });

    const refusedV1 = v1(conversationId);
    await refusedV1.untilClosed();
    expect([refusedV1.closeCode, refusedV1.closeReason]).toEqual([1013, 'try again later']);
    // Refused before anything was sent: not even the state snapshot.
    expect(refusedV1.frames).toEqual([]);

    lease.release();
    const served = socketIo(conversationId);
    const servedV1 = v1(conversationId);
    const last = (await server.app.eventStore.latestId(conversationId)) as number;
    await Promise.all([served.untilId(last), servedV1.untilId(last)]);
    for (const { id } of appended) expect(served.ids).toContain(id);
    expect(served.ids).toEqual([...served.ids].sort((left, right) => left - right));
    expect(servedV1.ids).toEqual(idsThrough(last));
    expect(served.errors).toEqual([]);
  });

  it('ends a replay whose next page cannot get budget with a reason, after what was sent', async () => {
    await start();
    const conversationId = await server.newConversation();
    const first = await server.append(conversationId, [
      messageAction('small one', 'agent'),
      messageAction('small two', 'agent'),
    ]);
    // Bigger than a page (1 MiB): a page of its own, which needs the whole budget.
    await server.append(conversationId, [messageAction('x'.repeat(1_200_000), 'agent')]);
    const smallIds = first.map((event) => event.id);
    // Room for the small first page only.
    await occupy(budgetBytes - 64 * 1024);

    const client = socketIo(conversationId);
    await client.connected();
    await client.untilDisconnected();
    expect(client.ids.filter((id) => id >= (smallIds[0] as number))).toEqual(smallIds);
    expect(client.errors).toEqual([
      expect.objectContaining({
        code: 'SOCKET_REPLAY_BUSY',
        message: expect.stringMatching(/try again later/),
      }),
    ]);
    // The error event came after the replayed events, then the server disconnected.
    expect(client.events.at(-1)).toMatchObject({ code: 'SOCKET_REPLAY_BUSY' });
    expect(client.disconnectReason).toBe('io server disconnect');

    const clientV1 = v1(conversationId);
    await clientV1.untilClosed();
    expect(clientV1.ids.filter((id) => id >= (smallIds[0] as number))).toEqual(smallIds);
    expect([clientV1.closeCode, clientV1.closeReason]).toEqual([1013, 'try again later']);
  });
});
