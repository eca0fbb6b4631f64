import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { RedisEventTransport } from '../../../src/events/redis-event-transport.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { PrivateRedis } from '../../reliability/private-redis.js';
import { redisIsAvailable } from '../../support/test-redis.js';
import { eventually as pollUntil } from '../../reliability/deadline.js';

const available = await redisIsAvailable();

/** Waits for `check` to hold (a generous bound only turns a hang into a failure naming `what`). */
async function eventually(
  check: () => Promise<boolean> | boolean,
  milliseconds: number,
  what: string,
): Promise<void> {
  if (!(await pollUntil(check, milliseconds, 20))) throw new Error(`never happened: ${what}`);
}

function event(id: number, text = `m${id}`): StoredEvent {
  return {
    id,
    timestamp: '2026-12-03T00:00:00.000Z',
    source: 'user',
    action: 'message',
    message: text,
    args: { content: text, image_urls: [], file_urls: [], wait_for_response: false },
  } as unknown as StoredEvent;
}

describe.skipIf(!available)('RedisEventTransport (a redis-server of its own)', () => {
  let redis: PrivateRedis;
  const transports: RedisEventTransport[] = [];

  function transport(instanceId: string, maxInlineBytes?: number): RedisEventTransport {
    const created = new RedisEventTransport({
      url: redis.url,
      instanceId,
      logger: createSilentLogger(),
      ...(maxInlineBytes === undefined ? {} : { maxInlineBytes }),
    });
    transports.push(created);
    return created;
  }

  async function ready(...all: RedisEventTransport[]): Promise<void> {
    await eventually(async () => all.every((each) => each.healthy), 10_000, 'transports ready');
  }

  beforeAll(async () => {
    redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    await Promise.all(transports.map((each) => each.close()));
    await redis.kill();
  });

  it('hands a commit to its own listeners at once and to the other process through Redis', async () => {
    const a = transport('a');
    const b = transport('b');
    await ready(a, b);
    const onA: number[] = [];
    const onB: number[] = [];
    a.listen('c1', (_id, events) => onA.push(...events.map((each) => each.id)));
    b.listen('c1', (_id, events) => onB.push(...events.map((each) => each.id)));
    // The subscription is confirmed by Redis asynchronously: publish until one arrives.
    await eventually(
      async () => {
        a.publish('c1', [event(onA.length)]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return onB.length > 0;
      },
      10_000,
      'first message across',
    );
    // Local delivery is synchronous; Redis's echo of a's own message is skipped (no duplicates).
    expect(onA).toEqual([...Array(onA.length).keys()]);
    const next = onA.length;
    a.publish('c1', [event(next), event(next + 1)]);
    expect(onA.slice(-2)).toEqual([next, next + 1]);
    await eventually(async () => onB.includes(next + 1), 10_000, 'batch across');
    expect(new Set(onB).size).toBe(onB.length);
    expect(onB.slice(-2)).toEqual([next, next + 1]);
  });

  it('a batch too big to carry is announced by its last id only', async () => {
    const a = transport('big-a', 1024);
    const b = transport('big-b', 1024);
    await ready(a, b);
    const seen: { count: number; throughId: number | undefined }[] = [];
    b.listen('c2', (_id, events, throughId) => seen.push({ count: events.length, throughId }));
    await eventually(
      async () => {
        a.publish('c2', [event(0, 'x'.repeat(4096)), event(1)]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return seen.length > 0;
      },
      10_000,
      'announcement across',
    );
    expect(seen[0]).toEqual({ count: 0, throughId: 1 });
  });

  it('survives Redis going away: publishing drops quietly, then subscriptions and deliveries come back', async () => {
    const a = transport('outage-a');
    const b = transport('outage-b');
    await ready(a, b);
    let reconnects = 0;
    b.onReconnect(() => reconnects++);
    const onB: number[] = [];
    b.listen('c3', (_id, events) => onB.push(...events.map((each) => each.id)));
    await redis.kill();
    await eventually(async () => !a.healthy && !b.healthy, 10_000, 'outage noticed');
    const local: number[] = [];
    a.listen('c3', (_id, events) => local.push(...events.map((each) => each.id)));
    a.publish('c3', [event(0)]); // no throw; the local listener still gets it
    expect(local).toEqual([0]);
    await redis.restart();
    await ready(a, b);
    await eventually(async () => reconnects > 0, 10_000, 'reconnect reported');
    let id = 1;
    await eventually(
      async () => {
        a.publish('c3', [event(id++)]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return onB.length > 0;
      },
      10_000,
      'deliveries after the outage',
    );
    expect(onB[0]).toBeGreaterThan(0);
  });
});
