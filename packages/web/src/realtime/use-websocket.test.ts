/** @vitest-environment jsdom */
// useWebSocket against a real ws server: upstream's use-websocket.test.ts cases, the ones upstream
// left as todo (manual disconnect, close codes, sending), and resume, heartbeat timeout and bounded
// memory as the hook's state shows them. Timers are injected, so schedules are read, never waited
// for. The connection rules themselves (backoff schedule, stale sockets, every failure path) are
// tested on ReconnectingSocket alone: reconnecting-socket*.test.ts.
import { act, configure, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualTimers } from '../../test/support/manual-timers';
import {
  startMockWebSocketServer,
  type MockWebSocketServer,
} from '../../test/support/mock-websocket-server';
import { heartbeatTimeoutCode, useWebSocket, type WebSocketHookOptions } from './use-websocket';

// Real sockets: a loaded CI machine may need more than the default 1 s to see a frame.
configure({ asyncUtilTimeout: 5000 });

let server: MockWebSocketServer;
let timers: ManualTimers;

beforeEach(async () => {
  server = await startMockWebSocketServer();
  timers = new ManualTimers();
});

afterEach(async () => {
  await server.close();
});

function socketUrl(): string {
  return `${server.origin}/sockets/events/conversation-1`;
}

function renderSocket(options: WebSocketHookOptions = {}, url = socketUrl()) {
  return renderHook((props: { url: string }) => useWebSocket(props.url, { timers, ...options }), {
    initialProps: { url },
  });
}

describe('useWebSocket: upstream cases', () => {
  it('connects and exposes the first message', async () => {
    server.onConnection((connection) => connection.send('Welcome'));
    const { result } = renderSocket();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    await waitFor(() => expect(result.current.lastMessage).toBe('Welcome'));
    expect(result.current.error).toBeNull();
    expect(result.current.socket).toBeInstanceOf(WebSocket);
  });

  it('collects incoming messages in order', async () => {
    const { result } = renderSocket();
    const connection = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    connection.send('one');
    connection.send('two');
    await waitFor(() => expect(result.current.messages).toEqual(['one', 'two']));
    expect(result.current.lastMessage).toBe('two');
  });

  it('sets an error when the link closes with 1006', async () => {
    const { result } = renderSocket();
    const connection = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    connection.terminate();
    await waitFor(() => expect(result.current.error).toBeInstanceOf(Error));
    expect(result.current.error?.message).toContain('WebSocket closed with code 1006');
    expect(result.current.isConnected).toBe(false);
  });

  it('closes the socket once on unmount', async () => {
    const { result, unmount } = renderSocket();
    const connection = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    const socket = result.current.socket as WebSocket;
    const close = vi.spyOn(socket, 'close');
    unmount();
    expect(close).toHaveBeenCalledTimes(1);
    expect(await connection.closed).toBe(1000);
  });

  it('puts the query parameters in the socket URL', async () => {
    const { result } = renderSocket({
      queryParams: { token: 'abc123', userId: 'user456', version: 'v1' },
    });
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(result.current.socket?.url).toBe(
      `${socketUrl()}?token=abc123&userId=user456&version=v1`,
    );
    const connection = await server.nextConnection();
    expect(connection.url.searchParams.get('token')).toBe('abc123');
  });

  it('calls onOpen, onMessage, onClose and onError', async () => {
    const onOpen = vi.fn();
    const onMessage = vi.fn();
    const onClose = vi.fn();
    const onError = vi.fn();
    const { result } = renderSocket({ onOpen, onMessage, onClose, onError });
    const connection = await server.nextConnection();
    await waitFor(() => expect(onOpen).toHaveBeenCalledTimes(1));
    connection.send('hello');
    await waitFor(() => expect(onMessage).toHaveBeenCalledTimes(1));
    expect((onMessage.mock.calls[0]?.[0] as MessageEvent).data).toBe('hello');
    connection.close(4008, 'slow consumer');
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    const closeEvent = onClose.mock.calls[0]?.[0] as CloseEvent;
    expect(closeEvent.code).toBe(4008);
    expect(closeEvent.reason).toBe('slow consumer');
    expect(onError).toHaveBeenCalled();
    expect(result.current.error?.message).toBe('WebSocket closed with code 4008: slow consumer');
  });

  it('sends when connected and drops the message when not', async () => {
    const { result } = renderSocket();
    expect(result.current.sendMessage('too early')).toBe(false);
    const connection = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(result.current.sendMessage('hello server')).toBe(true);
    expect(await connection.nextMessage()).toBe('hello server');
    act(() => result.current.disconnect());
    await connection.closed;
    await waitFor(() => expect(result.current.isConnected).toBe(false));
    expect(result.current.sendMessage('after the close')).toBe(false);
    expect(connection.received).toEqual(['hello server']);
  });

  it('does not connect while the URL is blank', () => {
    const { result } = renderSocket({}, '   ');
    expect(result.current.socket).toBeNull();
    expect(server.connections).toHaveLength(0);
  });
});

describe('useWebSocket: manual disconnect and close codes', () => {
  it('never reconnects after disconnect(), until reconnect()', async () => {
    const onClose = vi.fn();
    const { result } = renderSocket({ reconnect: { enabled: true }, onClose });
    const first = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    act(() => result.current.disconnect());
    expect(await first.closed).toBe(1000);
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(timers.pending()).toEqual([]);
    expect(result.current.isReconnecting).toBe(false);
    expect(result.current.error).toBeNull();

    act(() => result.current.reconnect());
    const second = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(second.isOpen).toBe(true);
  });

  it.each([
    [1000, 'done'],
    [4001, 'Authentication failed'],
    [4004, 'Conversation not found'],
  ])('does not reconnect after close code %i', async (code, reason) => {
    const onClose = vi.fn();
    const { result } = renderSocket({ reconnect: { enabled: true }, onClose });
    const connection = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    connection.close(code, reason);
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(timers.pending()).toEqual([]);
    expect(result.current.isReconnecting).toBe(false);
    expect(result.current.error === null).toBe(code === 1000);
  });

  it.each([
    [4008, 'slow consumer', false],
    [1001, 'server shutting down', false],
    [1006, '', true],
  ])('reconnects after close code %i', async (code, reason, drop) => {
    const { result } = renderSocket({
      reconnect: { enabled: true, baseDelayMs: 1000 },
      random: () => 0.5,
    });
    const first = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    if (drop) first.terminate();
    else first.close(code, reason);
    await waitFor(() => expect(result.current.isReconnecting).toBe(true));
    expect(result.current.attemptCount).toBe(1);
    expect(result.current.reconnectDelayMs).toBe(500);
    expect(timers.pending(500)).toHaveLength(1);
    act(() => timers.fire(500));
    await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(result.current.attemptCount).toBe(0);
    expect(result.current.isReconnecting).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it('does not reconnect when reconnecting is off (the default)', async () => {
    const onClose = vi.fn();
    renderSocket({ onClose });
    const connection = await server.nextConnection();
    connection.terminate();
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(timers.pending()).toEqual([]);
  });
});

describe('useWebSocket: resume', () => {
  it('asks resumeParams before each connect and merges them over the query', async () => {
    let lastSeen: string | null = null;
    const { result } = renderSocket({
      queryParams: { resend_all: true, stream: true },
      resumeParams: () =>
        lastSeen === null ? undefined : { resend_all: null, after_id: lastSeen },
      onMessage: (event) => {
        lastSeen = String(JSON.parse(String(event.data)).id);
      },
      reconnect: { enabled: true },
      random: () => 0,
    });
    const first = await server.nextConnection();
    expect(first.url.searchParams.get('resend_all')).toBe('true');
    expect(first.url.searchParams.has('after_id')).toBe(false);
    first.send({ id: '41' });
    first.send({ id: '42' });
    await waitFor(() => expect(result.current.messages).toHaveLength(2));
    first.terminate();
    await waitFor(() => expect(timers.pending(0)).toHaveLength(1));
    act(() => timers.fire(0));
    const second = await server.nextConnection();
    expect(second.url.searchParams.get('after_id')).toBe('42');
    expect(second.url.searchParams.has('resend_all')).toBe(false);
    expect(second.url.searchParams.get('stream')).toBe('true');
  });
});

describe('useWebSocket: heartbeat timeout', () => {
  it('treats a silent link as dead: closes it and reconnects', async () => {
    const onClose = vi.fn();
    const { result } = renderSocket({
      heartbeatTimeoutMs: 37_500,
      reconnect: { enabled: true, baseDelayMs: 1000 },
      random: () => 0.5,
      onClose,
    });
    const first = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(timers.pending(37_500)).toHaveLength(1);
    act(() => timers.fire(37_500));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect((onClose.mock.calls[0]?.[0] as CloseEvent).code).toBe(heartbeatTimeoutCode);
    expect(result.current.isConnected).toBe(false);
    expect(result.current.error?.message).toBe(
      `WebSocket closed with code ${heartbeatTimeoutCode}: Heartbeat timeout`,
    );
    expect(await first.closed).toBe(heartbeatTimeoutCode);
    expect(timers.pending(500)).toHaveLength(1);
    act(() => timers.fire(500));
    await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});

describe('useWebSocket: bounded memory', () => {
  it('keeps only the newest maxMessages frames', async () => {
    const { result } = renderSocket({ maxMessages: 3 });
    const connection = await server.nextConnection();
    for (const text of ['1', '2', '3', '4', '5']) connection.send(text);
    await waitFor(() => expect(result.current.lastMessage).toBe('5'));
    expect(result.current.messages).toEqual(['3', '4', '5']);
  });

  it('keeps nothing with maxMessages 0 but still calls onMessage', async () => {
    const onMessage = vi.fn();
    const { result } = renderSocket({ maxMessages: 0, onMessage });
    const connection = await server.nextConnection();
    connection.send('a');
    connection.send('b');
    await waitFor(() => expect(onMessage).toHaveBeenCalledTimes(2));
    expect(result.current.messages).toEqual([]);
    expect(result.current.lastMessage).toBeNull();
  });
});

describe('useWebSocket: URL changes', () => {
  it('drops the old socket silently and connects to the new URL', async () => {
    const onClose = vi.fn();
    const { result, rerender } = renderSocket({ onClose, reconnect: { enabled: true } });
    const first = await server.nextConnection();
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    rerender({ url: `${server.origin}/sockets/events/conversation-2` });
    const second = await server.nextConnection();
    expect(await first.closed).toBe(1000);
    expect(second.url.pathname).toBe('/sockets/events/conversation-2');
    await waitFor(() => expect(result.current.isConnected).toBe(true));
    expect(onClose).not.toHaveBeenCalled();
    expect(timers.pending()).toEqual([]);
  });
});
