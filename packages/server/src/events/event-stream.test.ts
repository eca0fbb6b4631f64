import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../test/support/test-logger.js';
import { createSqliteDatabase, type TestDatabase } from '../../test/support/test-databases.js';
import { messageAction, runAction } from '../../test/support/event-fixtures.js';
import type { StoredEvent } from './event-store.js';
import { EventStream } from './event-stream.js';
import { EventStreams } from './event-streams.js';
import { InProcessEventTransport } from './event-transport.js';
import { SqlEventStore } from './sql-event-store.js';

/** Resolves after `count` calls; records what it saw. */
function collector(count: number) {
  const seen: StoredEvent[] = [];
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  return {
    seen,
    done,
    callback: (event: StoredEvent) => {
      seen.push(event);
      if (seen.length === count) resolveDone();
    },
  };
}

describe('EventStream', () => {
  let testDatabase: TestDatabase;
  let store: SqlEventStore;
  let transport: InProcessEventTransport;
  let streams: EventStreams;
  let captured: ReturnType<typeof createCapturingLogger>;

  beforeEach(async () => {
    testDatabase = await createSqliteDatabase();
    captured = createCapturingLogger();
    store = new SqlEventStore({ database: testDatabase.database, logger: captured.logger });
    transport = new InProcessEventTransport();
    store.onCommit((conversationId, events) => transport.publish(conversationId, events));
    streams = new EventStreams({ store, transport, logger: captured.logger });
  });
  afterEach(async () => {
    await streams.close();
    await store.close();
    await testDatabase.cleanup();
  });

  it('delivers committed events to a subscriber, in id order', async () => {
    const stream = streams.get('c1');
    const received = collector(5);
    stream.subscribe('server', 'socket-1', received.callback);
    await Promise.all([
      stream.append([messageAction('0'), messageAction('1')]),
      stream.append([messageAction('2')]),
      stream.append([messageAction('3'), messageAction('4')]),
    ]);
    await received.done;
    expect(received.seen.map((event) => event.id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('publishes only after the commit: a subscriber can read its event back from the store', async () => {
    const stream = streams.get('c2');
    const readBack: (StoredEvent | undefined)[] = [];
    const received = collector(1);
    stream.subscribe('server', 'reader', async (event) => {
      readBack.push(await store.get('c2', event.id));
      received.callback(event);
    });
    await stream.append([messageAction('persisted first')]);
    await received.done;
    expect(readBack[0]).toMatchObject({ id: 0, args: { content: 'persisted first' } });
  });

  it('refuses a duplicate callback id on the same subscriber', () => {
    const stream = streams.get('c3');
    stream.subscribe('server', 'same', () => undefined);
    stream.subscribe('agent_controller', 'same', () => undefined);
    expect(() => stream.subscribe('server', 'same', () => undefined)).toThrow(
      expect.objectContaining({ code: 'SUBSCRIPTION_DUPLICATE' }),
    );
  });

  it('a slow callback does not delay another callback or the publisher', async () => {
    const stream = streams.get('c4');
    let releaseSlow: () => void = () => undefined;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const slowSeen: number[] = [];
    stream.subscribe('server', 'slow', async (event) => {
      await slowGate;
      slowSeen.push(event.id);
    });
    const fast = collector(3);
    stream.subscribe('server', 'fast', fast.callback);
    const appended = await stream.append([
      messageAction('a'),
      messageAction('b'),
      messageAction('c'),
    ]);
    expect(appended).toHaveLength(3); // the publisher was not held up by the slow callback
    await fast.done;
    expect(fast.seen.map((event) => event.id)).toEqual([0, 1, 2]);
    expect(slowSeen).toEqual([]);
    releaseSlow();
    await stream.idle();
    expect(slowSeen).toEqual([0, 1, 2]);
  });

  it('a throwing callback is logged with its ids and does not stop its own later events or others', async () => {
    const stream = streams.get('c5');
    const survivor = collector(2);
    const failingSeen: number[] = [];
    stream.subscribe('server', 'failing', (event) => {
      failingSeen.push(event.id);
      throw new Error(`boom on ${event.id}`);
    });
    stream.subscribe('server', 'survivor', survivor.callback);
    await stream.append([messageAction('x'), messageAction('y')]);
    await survivor.done;
    await stream.idle();
    expect(failingSeen).toEqual([0, 1]);
    const errors = captured.lines().filter((line) => line['msg'] === 'event callback failed');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({
      subscriberId: 'server',
      callbackId: 'failing',
      conversationId: 'c5',
      eventId: 0,
    });
  });

  it('a callback subscribed during dispatch sees only later events', async () => {
    const stream = streams.get('c6');
    const late = collector(1);
    const first = collector(2);
    stream.subscribe('server', 'first', (event) => {
      if (event.id === 0) stream.subscribe('server', 'late', late.callback);
      first.callback(event);
    });
    await stream.append([messageAction('zero')]);
    await stream.idle();
    await stream.append([messageAction('one')]);
    await Promise.all([first.done, late.done]);
    expect(late.seen.map((event) => event.id)).toEqual([1]);
  });

  it('unsubscribe stops delivery; an unknown id only warns', async () => {
    // Held, so that the stream outlives its last callback (an unused one is released).
    const { stream } = streams.acquire('c7');
    const seen: number[] = [];
    stream.subscribe('server', 'temporary', (event) => void seen.push(event.id));
    await stream.append([messageAction('before')]);
    await stream.idle();
    stream.unsubscribe('server', 'temporary');
    stream.unsubscribe('server', 'never-there');
    await stream.append([messageAction('after')]);
    await stream.idle();
    expect(seen).toEqual([0]);
    expect(stream.callbackCount).toBe(0);
    expect(captured.lines().some((line) => line['msg'] === 'unsubscribe: callback not found')).toBe(
      true,
    );
  });

  it('masks secrets before storing and publishing; identity fields stay', async () => {
    const stream = streams.get('c8');
    stream.setSecrets({ github: 'ghp_SECRET' });
    const received = collector(1);
    stream.subscribe('server', 'watcher', received.callback);
    const [stored] = await stream.append([runAction('git clone https://ghp_SECRET@github.com/x')]);
    await received.done;
    expect(JSON.stringify(stored)).not.toContain('ghp_SECRET');
    expect(JSON.stringify(received.seen[0])).not.toContain('ghp_SECRET');
    expect(JSON.stringify(await store.get('c8', 0))).not.toContain('ghp_SECRET');
    expect(stored).toMatchObject({
      id: 0,
      action: 'run',
      args: { command: 'git clone https://<secret_hidden>@github.com/x' },
    });
  });

  it('keeps conversations apart and drops ids it has already published', async () => {
    const first = streams.get('left');
    const second = streams.get('right');
    expect(streams.get('left')).toBe(first);
    const left = collector(1);
    const right = collector(1);
    first.subscribe('server', 'l', left.callback);
    second.subscribe('server', 'r', right.callback);
    await first.append([messageAction('only left')]);
    await second.append([messageAction('only right')]);
    await Promise.all([left.done, right.done]);
    // A transport that delivers the same batch twice does no harm.
    transport.publish('left', [left.seen[0] as StoredEvent]);
    await first.idle();
    expect(left.seen).toHaveLength(1);
    expect(
      right.seen.map((event) => (event as { args?: { content?: string } }).args?.content),
    ).toEqual(['only right']);
  });

  it('a conversation deleted through the registry starts again from id 0 for new subscribers', async () => {
    await streams.get('reborn').append([messageAction('old 0'), messageAction('old 1')]);
    expect(await streams.deleteConversation('reborn')).toBe(2);
    const stream = streams.get('reborn');
    const received = collector(1);
    stream.subscribe('server', 'new', received.callback);
    await stream.append([messageAction('new 0')]);
    await received.done;
    expect(received.seen.map((event) => event.id)).toEqual([0]);
  });

  it('drops a callback that falls too far behind, without touching the others', async () => {
    const stream = new EventStream({
      conversationId: 'laggard',
      store,
      transport,
      logger: captured.logger,
      maxPendingPerCallback: 3,
    });
    let releaseStuck: () => void = () => undefined;
    const stuckGate = new Promise<void>((resolve) => (releaseStuck = resolve));
    const stuckSeen: number[] = [];
    stream.subscribe('server', 'stuck', async (event) => {
      stuckSeen.push(event.id);
      await stuckGate;
    });
    const healthy = collector(6);
    stream.subscribe('server', 'healthy', healthy.callback);
    for (let index = 0; index < 6; index++) await stream.append([messageAction(`m${index}`)]);
    await healthy.done;
    expect(healthy.seen.map((event) => event.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stream.callbackCount).toBe(1);
    const overflow = captured
      .lines()
      .find((line) => line['msg'] === 'event callback fell too far behind: unsubscribed');
    expect(overflow).toMatchObject({
      subscriberId: 'server',
      callbackId: 'stuck',
      conversationId: 'laggard',
    });
    releaseStuck();
    await stream.close();
    expect(stuckSeen.length).toBeLessThan(6);
  });

  it('close does not wait for a stuck callback', async () => {
    const stream = streams.get('stuck-close');
    const started = collector(1);
    stream.subscribe('server', 'never-returns', (event) => {
      started.callback(event);
      return new Promise<void>(() => undefined);
    });
    await stream.append([messageAction('hangs')]);
    await started.done;
    await expect(stream.close()).resolves.toBeUndefined();
    await expect(stream.append([messageAction('after close')])).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
  });

  it('refuses to append or subscribe after close', async () => {
    const stream = new EventStream({
      conversationId: 'closed',
      store,
      transport,
      logger: captured.logger,
    });
    await stream.close();
    await expect(stream.append([messageAction('late')])).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
    expect(() => stream.subscribe('server', 'x', () => undefined)).toThrow(/closed/);
  });
});
