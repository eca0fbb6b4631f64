import { describe, expect, it, vi } from 'vitest';
import { agentStateChanged } from '../../test/support/event-fixtures.js';
import { RecordingConnection } from '../../test/support/recording-connection.js';
import {
  appendMessages,
  conversationId,
  hub,
  pagesOf,
  range,
  store,
  streams,
  useReplayFixture,
} from '../../test/support/replay-then-tail-fixture.js';
import { replayThenTail } from './replay-then-tail.js';

describe('replayThenTail with page batches', () => {
  useReplayFixture();

  it('sends each page as one batch, every id once and in order, then goes live', async () => {
    await appendMessages(450);
    const connection = new RecordingConnection(conversationId);
    await replayThenTail({
      eventStore: store,
      hub,
      connection,
      afterId: -1,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(200),
    });
    expect(connection.batches).toEqual([range(0, 199), range(200, 399), range(400, 449)]);
    // Live once the hub's own delivery has caught up with what the replay read.
    await hub.delivered();
    expect(connection.live).toBe(true);

    await appendMessages(3);
    await hub.delivered();
    expect(connection.received.map((entry) => entry.id)).toEqual(range(0, 452));
    expect(connection.received.slice(450).every((entry) => entry.path === 'live')).toBe(true);
  });

  it('ends a batch once the client has enough waiting and sends the rest after it reads', async () => {
    await appendMessages(120);
    // 10 bytes a frame, a 95-byte cap: a batch stops after the frame that crosses the cap.
    const connection = new RecordingConnection(conversationId, 10);
    const reader = setInterval(() => connection.read(), 2);
    try {
      await replayThenTail({
        eventStore: store,
        hub,
        connection,
        afterId: 9,
        replayBufferBytes: 95,
        signal: new AbortController().signal,
        pages: pagesOf(50),
      });
    } finally {
      clearInterval(reader);
    }
    expect(connection.received.map((entry) => entry.id)).toEqual(range(10, 119));
    expect(connection.batches.flat()).toEqual(range(10, 119));
    // Never more than the cap waiting when a frame is written, and no batch longer than the cap allows.
    expect(Math.max(...connection.bufferedAtSend)).toBeLessThanOrEqual(95);
    expect(Math.max(...connection.batches.map((batch) => batch.length))).toBeLessThanOrEqual(10);
    // Pages stay whole units of reading: no batch spans two pages (ids 10–59, 60–109, 110–119).
    for (const batch of connection.batches) {
      const pageOf = (id: number): number => Math.floor((id - 10) / 50);
      expect(pageOf(batch[0] as number)).toBe(pageOf(batch[batch.length - 1] as number));
    }
  });

  it('delivers every id exactly once when events are appended during a batched replay', async () => {
    await appendMessages(1_000);
    const connection = new RecordingConnection(conversationId);
    const appending = appendMessages(500, 7);
    await replayThenTail({
      eventStore: store,
      hub,
      connection,
      afterId: 499,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(64),
    });
    await appending;
    await hub.delivered();
    expect(connection.received.map((entry) => entry.id)).toEqual(range(500, 1_499));
  });

  it('scans for the latest agent-state change only when the replay meets one', async () => {
    await appendMessages(30);
    const search = vi.spyOn(store, 'search');
    const plain = new RecordingConnection(conversationId);
    await replayThenTail({
      eventStore: store,
      hub,
      connection: plain,
      afterId: -1,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(10),
    });
    expect(search).not.toHaveBeenCalled();

    const stream = streams.get(conversationId);
    await stream.append([agentStateChanged('running')]); // id 30
    await appendMessages(15);
    await stream.append([agentStateChanged('awaiting_user_input')]); // id 46
    await appendMessages(3);
    const resumed = new RecordingConnection(conversationId);
    await replayThenTail({
      eventStore: store,
      hub,
      connection: resumed,
      afterId: 25,
      replayBufferBytes: 4 * 1024 * 1024,
      signal: new AbortController().signal,
      pages: pagesOf(4),
    });
    expect(search).toHaveBeenCalledTimes(1);
    expect(resumed.received.map((entry) => entry.id)).toEqual(range(26, 49));
    // Ids 26–29 hold no agent-state change; the page from 30 does: from then on every frame
    // carries the latest one's id (46).
    expect(resumed.agentStateIds.slice(0, 4)).toEqual([-1, -1, -1, -1]);
    expect(new Set(resumed.agentStateIds.slice(4))).toEqual(new Set([46]));
  });

  it('stops between batches when the connection closes', async () => {
    await appendMessages(300);
    const connection = new RecordingConnection(conversationId, 1);
    const controller = new AbortController();
    const replay = replayThenTail({
      eventStore: store,
      hub,
      connection,
      afterId: -1,
      replayBufferBytes: 50,
      signal: controller.signal,
      pages: pagesOf(100),
    });
    // The client never reads: the replay waits after the first capped batch, then the socket closes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    connection.closed = true;
    controller.abort();
    await replay.catch(() => undefined);
    expect(connection.received.map((entry) => entry.id)).toEqual(range(0, 50));
    expect(connection.live).toBe(false);
  });
});
