// ReconnectingSocket's failure paths on their own (fake socket, injected timers): a refused
// handshake, the server's close codes, a silent link, a manual disconnect and the final close.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeSocketFactory, type FakeSocket } from '../../test/support/fake-socket';
import { ManualTimers } from '../../test/support/manual-timers';
import { ReconnectingSocket } from './reconnecting-socket';
import { heartbeatTimeoutCode, type ReconnectingSocketOptions } from './socket-types';

let timers: ManualTimers;
let factory: FakeSocketFactory;

beforeEach(() => {
  timers = new ManualTimers();
  factory = new FakeSocketFactory();
});

function startSocket(options: ReconnectingSocketOptions<FakeSocket> = {}) {
  const socket = new ReconnectingSocket(
    { url: 'ws://parley.test/sockets/events/c', createSocket: factory.create, timers },
    options,
  );
  socket.start();
  return socket;
}

const reconnecting = { reconnect: { enabled: true, baseDelayMs: 1000 }, random: () => 0.5 };

describe('ReconnectingSocket: a refused handshake', () => {
  it('reports the error event and the close, sets the error and retries', () => {
    const onError = vi.fn();
    const onClose = vi.fn();
    const socket = startSocket({ ...reconnecting, onError, onClose });
    factory.latest.refuse();
    expect(onError.mock.calls.map(([event]) => (event as Event).type)).toEqual(['error', 'close']);
    expect((onClose.mock.calls[0]?.[0] as CloseEvent).code).toBe(1006);
    expect(socket.status.error?.message).toBe(
      'WebSocket closed with code 1006: Connection closed unexpectedly',
    );
    expect(socket.status).toMatchObject({ isConnected: false, isReconnecting: true });
    expect(timers.pending(500)).toHaveLength(1);
  });

  it('does not retry when reconnecting is off (the default)', () => {
    const onClose = vi.fn();
    const socket = startSocket({ onClose });
    factory.latest.refuse();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(timers.pending()).toEqual([]);
    expect(socket.status.isReconnecting).toBe(false);
    expect(factory.sockets).toHaveLength(1);
  });
});

describe('ReconnectingSocket: server close codes', () => {
  it.each([
    [1000, 'done'],
    [4001, 'Authentication failed'],
    [4004, 'Conversation not found'],
  ])('does not reconnect after close code %i', (code, reason) => {
    const onClose = vi.fn();
    const socket = startSocket({ ...reconnecting, onClose });
    factory.latest.open();
    factory.latest.serverClose(code, reason);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(timers.pending()).toEqual([]);
    expect(socket.status.isReconnecting).toBe(false);
    expect(socket.status.error?.message ?? null).toBe(
      code === 1000 ? null : `WebSocket closed with code ${code}: ${reason}`,
    );
  });

  it.each([
    [4008, 'slow consumer'],
    [1001, 'server shutting down'],
    [1011, 'internal error'],
  ])('reconnects after close code %i', (code, reason) => {
    const socket = startSocket(reconnecting);
    factory.latest.open();
    factory.latest.serverClose(code, reason);
    expect(socket.status.error?.message).toBe(`WebSocket closed with code ${code}: ${reason}`);
    expect(socket.status).toMatchObject({ attemptCount: 1, reconnectDelayMs: 500 });
    timers.fire(500);
    expect(factory.sockets).toHaveLength(2);
  });
});

describe('ReconnectingSocket: heartbeat timeout', () => {
  it('treats a silent link as dead: closes it with 4000 and reconnects', () => {
    const onClose = vi.fn();
    const socket = startSocket({ ...reconnecting, heartbeatTimeoutMs: 37_500, onClose });
    const first = factory.latest;
    first.open();
    timers.fire(37_500);
    expect(first.closeCalls).toEqual([{ code: heartbeatTimeoutCode, reason: 'Heartbeat timeout' }]);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect((onClose.mock.calls[0]?.[0] as CloseEvent).code).toBe(heartbeatTimeoutCode);
    expect(socket.status.isConnected).toBe(false);
    expect(socket.status.error?.message).toBe(
      `WebSocket closed with code ${heartbeatTimeoutCode}: Heartbeat timeout`,
    );
    timers.fire(500);
    factory.latest.open();
    expect(socket.status.isConnected).toBe(true);
    // The dead link's own close, when it finally comes, is no second close.
    first.finishClose();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('still gives the link up when closing it throws', () => {
    const onClose = vi.fn();
    startSocket({ heartbeatTimeoutMs: 1000, onClose });
    const link = factory.latest;
    link.open();
    link.close = () => {
      throw new Error('close failed');
    };
    timers.fire(1000);
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('ReconnectingSocket: disconnect and close', () => {
  it('never reconnects after disconnect(), until reconnect()', () => {
    const onClose = vi.fn();
    const socket = startSocket({ ...reconnecting, onClose });
    factory.latest.open();
    socket.disconnect();
    expect(factory.latest.closeCalls).toEqual([{ code: 1000, reason: 'Client disconnected' }]);
    factory.latest.finishClose();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(timers.pending()).toEqual([]);
    expect(socket.status).toMatchObject({ isReconnecting: false, isConnected: false, error: null });
    expect(socket.send('after the close')).toBe(false);

    socket.reconnect();
    factory.latest.open();
    expect(factory.sockets).toHaveLength(2);
    expect(socket.status.isConnected).toBe(true);
  });

  it('disconnect() cancels a pending reconnect, and an abnormal close after it is no error', () => {
    const onError = vi.fn();
    const socket = startSocket({ ...reconnecting, onError });
    factory.latest.drop();
    expect(timers.pending()).toHaveLength(1);
    socket.disconnect();
    expect(timers.pending()).toEqual([]);
    expect(socket.status).toMatchObject({ isReconnecting: false, reconnectDelayMs: null });
    socket.reconnect();
    onError.mockClear();
    socket.disconnect();
    factory.latest.drop();
    expect(onError).not.toHaveBeenCalled();
    expect(timers.pending()).toEqual([]);
  });

  it('close() closes the socket once, detaches it and stops everything', () => {
    const onClose = vi.fn();
    const onMessage = vi.fn();
    const socket = startSocket({ ...reconnecting, heartbeatTimeoutMs: 5000, onClose, onMessage });
    const link = factory.latest;
    link.open();
    socket.close();
    expect(link.closeCalls).toEqual([{ code: 1000, reason: 'Client went away' }]);
    expect(link.attached).toBe(false);
    expect(timers.pending()).toEqual([]);
    expect(socket.status).toMatchObject({ isConnected: false, isReconnecting: false });
    link.receive('late');
    link.drop();
    socket.reconnect();
    socket.disconnect();
    socket.close();
    expect(onMessage).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(socket.send('anything')).toBe(false);
    expect(factory.sockets).toHaveLength(1);
    expect(link.closeCalls).toHaveLength(1);
  });

  it('close() during a backoff cancels the reconnect', () => {
    const socket = startSocket(reconnecting);
    factory.latest.drop();
    expect(timers.pending()).toHaveLength(1);
    socket.close();
    expect(timers.pending()).toEqual([]);
    expect(socket.status).toMatchObject({ isReconnecting: false, reconnectDelayMs: null });
    expect(factory.sockets).toHaveLength(1);
  });
});
