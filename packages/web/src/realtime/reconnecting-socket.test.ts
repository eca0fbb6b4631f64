// ReconnectingSocket on its own: no React, no DOM, no network. A fake socket plays the server and
// the link, injected timers hold the schedule, so every case reads what was scheduled and in which
// order things happened, never how long they took. Failure paths are in
// reconnecting-socket-failures.test.ts.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocketFactory, type FakeSocket } from '../../test/support/fake-socket';
import { ManualTimers } from '../../test/support/manual-timers';
import { ReconnectingSocket } from './reconnecting-socket';
import type { ReconnectingSocketOptions, SocketStatus } from './socket-types';

const url = 'ws://parley.test/sockets/events/conversation-1';

let timers: ManualTimers;
let factory: FakeSocketFactory;

beforeEach(() => {
  timers = new ManualTimers();
  factory = new FakeSocketFactory();
});

function startSocket(options: ReconnectingSocketOptions<FakeSocket> = {}) {
  const statuses: SocketStatus<FakeSocket>[] = [];
  const socket = new ReconnectingSocket(
    { url, createSocket: factory.create, timers },
    { onStatus: (status) => statuses.push(status), ...options },
  );
  socket.start();
  return { socket, statuses };
}

describe('ReconnectingSocket: a link', () => {
  it('connects with the query, reports each step and delivers frames in order', () => {
    const onOpen = vi.fn();
    const received: string[] = [];
    const { socket, statuses } = startSocket({
      queryParams: { resend_all: true, stream: true },
      onOpen,
      onMessage: (event) => received.push(String(event.data)),
    });
    const link = factory.latest;
    expect(link.url).toBe(`${url}?resend_all=true&stream=true`);
    expect(socket.status).toMatchObject({ socket: link, isConnected: false });
    expect(socket.send('too early')).toBe(false);

    link.open();
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(socket.status).toMatchObject({ isConnected: true, error: null, attemptCount: 0 });
    link.receive('one');
    link.receive({ id: '2' });
    expect(received).toEqual(['one', '{"id":"2"}']);
    expect(socket.send('hello')).toBe(true);
    expect(link.sent).toEqual(['hello']);
    expect(statuses.map((status) => status.isConnected)).toEqual([false, true]);
    expect(factory.sockets).toHaveLength(1);
  });

  it('reports a status only when something changed', () => {
    const { socket, statuses } = startSocket();
    factory.latest.open();
    socket.disconnect();
    socket.disconnect();
    expect(statuses).toHaveLength(2);
  });

  it('reads the options when something happens: setOptions needs no reconnect', () => {
    const first = vi.fn();
    const second = vi.fn();
    const { socket } = startSocket({ onMessage: first });
    const link = factory.latest;
    link.open();
    link.receive('a');
    socket.setOptions({ onMessage: second });
    link.receive('b');
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(factory.sockets).toHaveLength(1);
  });
});

describe('ReconnectingSocket: reconnects', () => {
  it('reconnects after a drop, after the backoff delay, and resets the attempts on open', () => {
    const onClose = vi.fn();
    const { socket, statuses } = startSocket({
      reconnect: { enabled: true, baseDelayMs: 1000 },
      random: () => 0.5,
      onClose,
    });
    factory.latest.open();
    factory.latest.drop();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(socket.status).toMatchObject({
      isConnected: false,
      isReconnecting: true,
      attemptCount: 1,
      reconnectDelayMs: 500,
    });
    expect(socket.status.error?.message).toBe(
      'WebSocket closed with code 1006: Connection closed unexpectedly',
    );
    expect(factory.sockets).toHaveLength(1);

    timers.fire(500);
    expect(factory.sockets).toHaveLength(2);
    expect(socket.status).toMatchObject({ reconnectDelayMs: null, socket: factory.latest });
    factory.latest.open();
    expect(socket.status).toMatchObject({
      isConnected: true,
      isReconnecting: false,
      attemptCount: 0,
      error: null,
    });
    // Cause and order: open, closed with an error, reconnect scheduled, new socket, open again.
    expect(
      statuses.map((status) => [status.isConnected, status.isReconnecting, status.attemptCount]),
    ).toEqual([
      [false, false, 0],
      [true, false, 0],
      [false, false, 0],
      [false, true, 1],
      [false, true, 1],
      [true, false, 0],
    ]);
    // A fresh failure starts the schedule over.
    factory.latest.drop();
    expect(socket.status).toMatchObject({ attemptCount: 1, reconnectDelayMs: 500 });
  });

  it('waits an exponentially growing, jittered delay up to the cap, then gives up', () => {
    const random = vi.fn(() => 0.5);
    const onClose = vi.fn();
    const { socket } = startSocket({
      reconnect: { enabled: true, maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 800 },
      random,
      onClose,
    });
    const expected = [50, 100, 200, 400, 400];
    for (const [index, delay] of expected.entries()) {
      factory.latest.refuse();
      expect(onClose).toHaveBeenCalledTimes(index + 1);
      expect(timers.pending().map((timer) => timer.delayMs)).toEqual([delay]);
      expect(socket.status.attemptCount).toBe(index + 1);
      expect(socket.status.isReconnecting).toBe(true);
      timers.fire(delay);
    }
    factory.latest.refuse();
    expect(onClose).toHaveBeenCalledTimes(6);
    expect(timers.pending()).toEqual([]);
    expect(timers.scheduled).toEqual(expected);
    expect(socket.status.isReconnecting).toBe(false);
    expect(factory.sockets).toHaveLength(6);
    expect(random).toHaveBeenCalledTimes(5);
  });

  it('reconnect() skips a pending backoff, and does nothing while a socket is live', () => {
    const { socket } = startSocket({ reconnect: { enabled: true }, random: () => 0.5 });
    factory.latest.open();
    socket.reconnect();
    expect(factory.sockets).toHaveLength(1);
    factory.latest.drop();
    expect(timers.pending()).toHaveLength(1);
    socket.reconnect();
    expect(timers.pending()).toEqual([]);
    expect(factory.sockets).toHaveLength(2);
    expect(socket.status).toMatchObject({ reconnectDelayMs: null, socket: factory.latest });
  });
});

describe('ReconnectingSocket: resume', () => {
  /** A log of ids 0…total-1; a socket gets the part after its `after_id` (all without one). */
  function serveLog(link: FakeSocket, total: number, upTo = total): void {
    const after = link.query.get('after_id');
    link.open();
    for (let id = after === null ? 0 : Number(after) + 1; id < upTo; id++) link.receive({ id });
  }

  it('resumes from the last id it was given: every id once, in order, across drops', () => {
    let lastSeen: string | null = null;
    const delivered: number[] = [];
    startSocket({
      queryParams: { resend_all: true, stream: true },
      resumeParams: () =>
        lastSeen === null ? undefined : { resend_all: null, after_id: lastSeen },
      onMessage: (event) => {
        const { id } = JSON.parse(String(event.data)) as { id: number };
        delivered.push(id);
        lastSeen = String(id);
      },
      reconnect: { enabled: true },
      random: () => 0,
    });
    serveLog(factory.latest, 10, 4);
    expect(factory.latest.query.get('resend_all')).toBe('true');
    factory.latest.drop();
    timers.fire(0);
    const second = factory.latest;
    expect(second.query.get('after_id')).toBe('3');
    expect(second.query.has('resend_all')).toBe(false);
    expect(second.query.get('stream')).toBe('true');
    serveLog(second, 10, 7);
    second.serverClose(4008, 'slow consumer');
    timers.fire(0);
    serveLog(factory.latest, 10);
    expect(factory.latest.query.get('after_id')).toBe('6');
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('delivers nothing from a socket it left behind', () => {
    const onMessage = vi.fn();
    const onClose = vi.fn();
    const { socket } = startSocket({
      heartbeatTimeoutMs: 30_000,
      reconnect: { enabled: true },
      random: () => 0,
      onMessage,
      onClose,
    });
    const first = factory.latest;
    first.open();
    timers.fire(30_000);
    expect(first.attached).toBe(false);
    expect(onClose).toHaveBeenCalledTimes(1);
    timers.fire(0);
    const second = factory.latest;
    second.open();
    // The dead link wakes up late: its frame and its close reach no one.
    first.receive('late frame');
    first.drop();
    second.receive('fresh frame');
    expect(onMessage.mock.calls.map(([event]) => (event as MessageEvent).data)).toEqual([
      'fresh frame',
    ]);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(socket.status).toMatchObject({ isConnected: true, socket: second });
  });

  it('ignores a socket still closing after disconnect() and reconnect()', () => {
    const onMessage = vi.fn();
    const onClose = vi.fn();
    const { socket } = startSocket({ reconnect: { enabled: true }, onMessage, onClose });
    const first = factory.latest;
    first.open();
    socket.disconnect();
    socket.reconnect();
    const second = factory.latest;
    second.open();
    // The first socket's last frame and its close arrive after the second one opened.
    first.receive('from the old link');
    first.finishClose();
    expect(onMessage).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(timers.pending()).toEqual([]);
    expect(socket.status).toMatchObject({ isConnected: true, socket: second, error: null });
  });
});

describe('ReconnectingSocket: heartbeat timeout', () => {
  it('restarts the timeout on every frame', () => {
    const { socket } = startSocket({ heartbeatTimeoutMs: 37_500 });
    const link = factory.latest;
    link.open();
    const [armedAtOpen] = timers.pending(37_500);
    link.receive({ kind: 'Heartbeat', latest_event_id: 3 });
    const pending = timers.pending(37_500);
    expect(pending).toHaveLength(1);
    expect(pending[0]?.id).not.toBe(armedAtOpen?.id);
    expect(link.closeCalls).toEqual([]);
    expect(socket.status.isConnected).toBe(true);
  });

  it('arms no timer without heartbeatTimeoutMs', () => {
    startSocket();
    factory.latest.open();
    factory.latest.receive('frame');
    expect(timers.pending()).toEqual([]);
  });
});
