import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../shared/logger.js';
import { messageAction } from '../../test/support/event-fixtures.js';
import { testDatabaseBackends, type TestDatabase } from '../../test/support/test-databases.js';
import { LossyClusterNetwork } from '../../test/support/lossy-cluster-transport.js';
import type { Database } from '../storage/database.js';
import { EventStreams } from './event-streams.js';
import { SqlEventStore } from './sql-event-store.js';

const backends = await testDatabaseBackends();

/** One "process": its own store (own connection) and streams on a shared database and network. */
function processOn(database: Database, network: LossyClusterNetwork) {
  const logger = createSilentLogger();
  const store = new SqlEventStore({ database, logger });
  const transport = network.endpoint();
  store.onCommit((conversationId, events) => transport.publish(conversationId, events));
  const streams = new EventStreams({ store, transport, logger, catchUpIntervalMs: 0 });
  return {
    store,
    streams,
    async close() {
      await streams.close();
      await store.close();
      await transport.close();
    },
  };
}

/** Subscribes on `streams` once the stream is established; returns the ids it receives. */
async function watch(streams: EventStreams, conversationId: string) {
  const stream = streams.get(conversationId);
  const release = stream.hold();
  await stream.established;
  const ids: number[] = [];
  stream.subscribe('test', 'watch', (event) => void ids.push(event.id));
  release();
  return { stream, ids, baseline: stream.lastPublishedId };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`streams across processes (${backend.name})`, () => {
    let testDatabase: TestDatabase;
    let secondDatabase: Database;
    let network: LossyClusterNetwork;
    let writer: ReturnType<typeof processOn>;
    let reader: ReturnType<typeof processOn>;

    beforeEach(async () => {
      testDatabase = await backend.create();
      secondDatabase = await testDatabase.reopen();
      network = new LossyClusterNetwork();
      writer = processOn(testDatabase.database, network);
      reader = processOn(secondDatabase, network);
    });
    afterEach(async () => {
      await reader.close();
      await writer.close();
      await secondDatabase.close();
      await testDatabase.cleanup();
    });

    it('delivers every id once, in order, when every other message is lost on the way', async () => {
      let sent = 0;
      network.drop = () => sent++ % 2 === 1;
      const { stream, ids } = await watch(reader.streams, 'c1');
      for (let index = 0; index < 20; index++) {
        await writer.streams.get('c1').append([messageAction(`m${index}`)]);
      }
      // The last message may be one of the lost ones: settling reads the log's head.
      await stream.settled();
      expect(ids).toEqual([...Array(20).keys()]);
    });

    it('a lost last message is found by a catch-up round, not only by the next event', async () => {
      const { stream, ids } = await watch(reader.streams, 'c2');
      await writer.streams.get('c2').append([messageAction('kept')]);
      await new Promise((resolve) => setImmediate(resolve));
      await stream.idle();
      expect(ids).toEqual([0]);
      network.drop = () => true;
      await writer.streams.get('c2').append([messageAction('lost'), messageAction('lost too')]);
      await new Promise((resolve) => setImmediate(resolve));
      await stream.idle();
      expect(ids).toEqual([0]);
      await reader.streams.catchUp();
      await stream.idle();
      expect(ids).toEqual([0, 1, 2]);
    });

    it('a stream opened on a log with history delivers only what follows its baseline', async () => {
      for (let index = 0; index < 5; index++) {
        await writer.streams.get('c3').append([messageAction(`old${index}`)]);
      }
      const { stream, ids, baseline } = await watch(reader.streams, 'c3');
      expect(baseline).toBe(4);
      await writer.streams.get('c3').append([messageAction('new')]);
      await stream.settled();
      expect(ids).toEqual([5]);
    });

    it('two processes appending to one conversation: unique contiguous ids, each side sees all once', async () => {
      const onReader = await watch(reader.streams, 'c4');
      const onWriter = await watch(writer.streams, 'c4');
      const appends = [];
      for (let index = 0; index < 15; index++) {
        appends.push(writer.streams.get('c4').append([messageAction(`w${index}`)]));
        appends.push(reader.streams.get('c4').append([messageAction(`r${index}`)]));
      }
      const stored = (await Promise.all(appends)).flat();
      expect(stored.map((event) => event.id).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
      await onReader.stream.settled();
      await onWriter.stream.settled();
      expect(onReader.ids).toEqual([...Array(30).keys()]);
      expect(onWriter.ids).toEqual([...Array(30).keys()]);
    });

    it('while the network is down nothing arrives; a catch-up round delivers it all in order', async () => {
      const { stream, ids } = await watch(reader.streams, 'c5');
      network.partitioned = true;
      for (let index = 0; index < 7; index++) {
        await writer.streams.get('c5').append([messageAction(`m${index}`)]);
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(ids).toEqual([]);
      network.partitioned = false;
      await writer.streams.get('c5').append([messageAction('after')]);
      // The first message after the outage reveals the gap: the missing ids come from the log.
      await new Promise((resolve) => setImmediate(resolve));
      await stream.settled();
      expect(ids).toEqual([...Array(8).keys()]);
    });
  });
}
