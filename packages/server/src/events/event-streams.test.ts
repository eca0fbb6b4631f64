import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../shared/logger.js';
import { messageAction } from '../../test/support/event-fixtures.js';
import { testDatabaseBackends, type TestDatabase } from '../../test/support/test-databases.js';
import type { StoredEvent } from './event-store.js';
import { EventStreams } from './event-streams.js';
import { InProcessEventTransport } from './event-transport.js';
import { SqlEventStore } from './sql-event-store.js';

const backends = await testDatabaseBackends();
const secret = 'hunter2-secret-value';

for (const backend of backends) {
  describe.skipIf(!backend.available)(
    `EventStreams releases what nothing uses (${backend.name})`,
    () => {
      let testDatabase: TestDatabase;
      let store: SqlEventStore;
      let transport: InProcessEventTransport;
      let streams: EventStreams;

      beforeEach(async () => {
        testDatabase = await backend.create();
        const logger = createSilentLogger();
        store = new SqlEventStore({ database: testDatabase.database, logger });
        transport = new InProcessEventTransport();
        store.onCommit((conversationId, events) => transport.publish(conversationId, events));
        streams = new EventStreams({ store, transport, logger });
      });
      afterEach(async () => {
        await streams.close();
        await store.close();
        await testDatabase.cleanup();
      });

      it('a stream used for one append is released once it committed; the next one continues the ids', async () => {
        const first = streams.get('c1');
        const [stored] = await first.append([messageAction('one')]);
        expect(stored?.id).toBe(0);
        expect(streams.openCount).toBe(0);
        const second = streams.get('c1');
        expect(second).not.toBe(first);
        expect((await second.append([messageAction('two')]))[0]?.id).toBe(1);
        expect(streams.openCount).toBe(0);
      });

      it('a stream handed out and left unused is released on the next microtask', async () => {
        streams.get('c2');
        expect(streams.openCount).toBe(1);
        await Promise.resolve();
        expect(streams.openCount).toBe(0);
      });

      it('a callback keeps it; the last unsubscribe releases it', async () => {
        const stream = streams.get('c3');
        const seen: number[] = [];
        stream.subscribe('server', 'hub', (event) => void seen.push(event.id));
        await stream.append([messageAction('one')]);
        await stream.idle();
        expect(streams.openCount).toBe(1);
        stream.unsubscribe('server', 'hub');
        expect(streams.openCount).toBe(0);
        expect(seen).toEqual([0]);
      });

      it('an append in flight keeps it past its last callback: the callback had the event before the release', async () => {
        const stream = streams.get('c4');
        const seen: StoredEvent[] = [];
        stream.subscribe('server', 'hub', (event) => void seen.push(event));
        const appended = stream.append([messageAction('in flight')]);
        expect(streams.openCount).toBe(1);
        await appended;
        await stream.idle();
        expect(seen.map((event) => event.id)).toEqual([0]);
        stream.unsubscribe('server', 'hub');
        expect(streams.openCount).toBe(0);
        // The next reader finds the event in the log.
        expect((await store.search('c4')).events.map((event) => event.id)).toEqual([0]);
      });

      it('a lease keeps the stream and its secrets across awaits; a fresh stream has none', async () => {
        const lease = streams.acquire('c5');
        lease.stream.setSecrets({ key: secret });
        await new Promise((resolve) => setTimeout(resolve, 5));
        const [masked] = await lease.stream.append([messageAction(`uses ${secret}`)]);
        expect(JSON.stringify(masked)).not.toContain(secret);
        expect(streams.get('c5')).toBe(lease.stream);
        lease.release();
        lease.release();
        expect(streams.openCount).toBe(0);
        // Secrets came with the stream and went with it: whoever opens it again brings them.
        const reopened = streams.get('c5');
        expect(reopened).not.toBe(lease.stream);
        reopened.setSecrets({ key: secret });
        const [again] = await reopened.append([messageAction(`again ${secret}`)]);
        expect(JSON.stringify(again)).not.toContain(secret);
      });

      it('settled() resolves once every earlier append committed and was handed to the callbacks', async () => {
        const stream = streams.get('c6');
        const seen: number[] = [];
        stream.subscribe('server', 'hub', (event) => void seen.push(event.id));
        void stream.append([messageAction('one'), messageAction('two')]);
        await stream.settled();
        expect(seen).toEqual([0, 1]);
        stream.unsubscribe('server', 'hub');
      });
    },
  );
}
