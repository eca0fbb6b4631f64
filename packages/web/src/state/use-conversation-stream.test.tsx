/** @vitest-environment jsdom */
// useConversationStream against a real ws mock server: every case of upstream's
// conversation-websocket-handler.test.tsx listed in reference §3.4 (the todos included where they
// apply to this client: manual disconnect, close codes, sending), plus resume, streaming and metrics.
import { act, configure, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationMetrics } from '../api';
import { ManualTimers } from '../../test/support/manual-timers';
import {
  startMockWebSocketServer,
  type MockConnection,
  type MockWebSocketServer,
} from '../../test/support/mock-websocket-server';
import {
  agentError,
  bashAction,
  bashObservation,
  delta,
  fullState,
  messageEvent,
} from '../../test/support/v1-frames';
import {
  useConversationStream,
  type ConversationStream,
  type UseConversationStreamOptions,
} from './use-conversation-stream';

// Real sockets: a loaded CI machine may need more than the default 1 s to see a frame.
configure({ asyncUtilTimeout: 5000 });

let server: MockWebSocketServer;
let timers: ManualTimers;

beforeEach(async () => {
  server = await startMockWebSocketServer();
  timers = new ManualTimers();
});

afterEach(async () => {
  cleanup();
  await server.close();
});

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function fakeApi(count: number | Promise<number> = 0) {
  return {
    countEvents: vi.fn((_id: string) => Promise.resolve(count)),
    getConversationMetrics: vi.fn((_id: string): Promise<ConversationMetrics | null> =>
      Promise.resolve(null),
    ),
  };
}

/** The hook's state as text, the way upstream's test component shows its stores. */
let latest: ConversationStream | undefined;

function Probe(props: UseConversationStreamOptions) {
  const stream = useConversationStream(props);
  latest = stream;
  const lastEvent = stream.events.at(-1);
  return (
    <dl>
      <dd data-testid="connection-state">{stream.connection}</dd>
      <dd data-testid="events-count">{stream.events.length}</dd>
      <dd data-testid="latest-event-id">{lastEvent?.id ?? 'none'}</dd>
      <dd data-testid="error-message">{stream.errorMessage ?? 'none'}</dd>
      <dd data-testid="optimistic">{stream.optimisticMessage ?? 'none'}</dd>
      <dd data-testid="is-loading-history">{String(stream.isLoadingHistory)}</dd>
      <dd data-testid="execution-status">{stream.executionStatus ?? 'none'}</dd>
      <dd data-testid="streaming">{stream.streaming?.text ?? 'none'}</dd>
      <dd data-testid="terminal">{JSON.stringify(stream.terminal)}</dd>
    </dl>
  );
}

function text(testId: string): string {
  return screen.getByTestId(testId).textContent ?? '';
}

function renderStream(options: Partial<UseConversationStreamOptions> = {}) {
  const conversationId = options.conversationId ?? 'test-conversation-default';
  const props: UseConversationStreamOptions = {
    api: fakeApi(),
    timers,
    random: () => 0.5,
    reconnect: { baseDelayMs: 1000 },
    socketUrl: `${server.origin}/sockets/events/${conversationId}`,
    ...options,
    conversationId,
  };
  const view = render(<Probe {...props} />);
  return {
    ...view,
    stream: () => latest as ConversationStream,
    update: (next: Partial<UseConversationStreamOptions>) =>
      view.rerender(<Probe {...props} {...next} />),
  };
}

async function openConnection(): Promise<MockConnection> {
  const connection = await server.nextConnection();
  await waitFor(() => expect(text('connection-state')).toBe('OPEN'));
  return connection;
}

describe('connection management', () => {
  it('connects to /sockets/events/{id}: CONNECTING, then OPEN', async () => {
    renderStream();
    expect(text('connection-state')).toBe('CONNECTING');
    const connection = await openConnection();
    expect(connection.url.pathname).toBe('/sockets/events/test-conversation-default');
    expect(connection.url.searchParams.get('resend_all')).toBe('true');
    expect(connection.url.searchParams.get('stream')).toBe('true');
    expect(connection.url.searchParams.has('session_api_key')).toBe(false);
  });

  it('sends the session API key in the query when one is set', async () => {
    renderStream({ sessionApiKey: 'secret-key' });
    const connection = await openConnection();
    expect(connection.url.searchParams.get('session_api_key')).toBe('secret-key');
  });

  it('disconnects by hand: closes with 1000, no error, no reconnect', async () => {
    const { stream } = renderStream();
    const connection = await openConnection();
    act(() => stream().disconnect());
    expect(await connection.closed).toBe(1000);
    await waitFor(() => expect(text('connection-state')).toBe('CLOSED'));
    expect(text('error-message')).toBe('none');
    expect(timers.pending(500)).toEqual([]);
    expect(stream().isReconnecting).toBe(false);
  });
});

describe('event stream processing', () => {
  it('stores a received event', async () => {
    renderStream();
    const connection = await openConnection();
    connection.send(messageEvent('test-event-123', 'agent', 'Hello'));
    await waitFor(() => expect(text('events-count')).toBe('1'));
    expect(text('latest-event-id')).toBe('test-event-123');
  });

  it('ignores malformed and invalid frames', async () => {
    renderStream();
    const connection = await openConnection();
    connection.send('invalid json');
    connection.send({ message: 'missing required fields' });
    connection.send({ id: 123, timestamp: '2025-01-01T00:00:00Z', source: 'agent' });
    connection.send({ id: null, timestamp: '2025-01-01T00:00:00Z', source: 'agent' });
    connection.send(messageEvent('valid-event-123', 'agent', 'Hello'));
    await waitFor(() => expect(text('latest-event-id')).toBe('valid-event-123'));
    expect(text('events-count')).toBe('1');
  });

  it('keeps the full_state snapshot as state, not as an event', async () => {
    renderStream();
    const connection = await openConnection();
    connection.send(fullState('running', 4));
    await waitFor(() => expect(text('execution-status')).toBe('running'));
    expect(text('events-count')).toBe('0');
    expect(latest?.serverLatestEventId).toBe(4);
  });
});

describe('state management', () => {
  it('clears the optimistic user message when the echo arrives', async () => {
    const { stream } = renderStream();
    const connection = await openConnection();
    act(() => stream().setOptimisticMessage('Hello, agent'));
    expect(text('optimistic')).toBe('Hello, agent');
    connection.send(messageEvent(0, 'user', 'Hello, agent'));
    await waitFor(() => expect(text('optimistic')).toBe('none'));
  });
});

describe('error handling', () => {
  it('shows an AgentErrorEvent', async () => {
    renderStream();
    const connection = await openConnection();
    connection.send(agentError('error-event-123', 'Failed to execute command: Permission denied'));
    await waitFor(() =>
      expect(text('error-message')).toBe('Failed to execute command: Permission denied'),
    );
  });

  it('reports a connection that fails at once (1006)', async () => {
    server.refuseConnections(true);
    renderStream();
    await waitFor(() => expect(text('connection-state')).toBe('RECONNECTING'));
    expect(text('error-message')).toBe('Failed to connect to server');
  });

  it('reports a lost connection after an open', async () => {
    renderStream();
    const connection = await openConnection();
    connection.terminate();
    await waitFor(() =>
      expect(text('error-message')).toBe('Connection lost: Unexpected disconnect'),
    );
    expect(text('connection-state')).toBe('RECONNECTING');
  });

  it('clears the connection error when the connection is restored', async () => {
    server.refuseConnections(true);
    renderStream();
    await waitFor(() => expect(text('error-message')).toBe('Failed to connect to server'));
    server.refuseConnections(false);
    act(() => timers.fire(500));
    await openConnection();
    expect(text('error-message')).toBe('none');
  });

  it('closes for good on 4004 and 4001, and sets no error on 1000', async () => {
    renderStream();
    const first = await openConnection();
    first.close(4004, 'Conversation not found');
    await waitFor(() => expect(text('connection-state')).toBe('CLOSED'));
    expect(text('error-message')).toBe('Conversation not found');
    expect(timers.pending(500)).toEqual([]);
    cleanup();

    renderStream({ conversationId: 'second' });
    const second = await openConnection();
    second.close(4001, 'Authentication failed');
    await waitFor(() => expect(text('connection-state')).toBe('CLOSED'));
    expect(text('error-message')).toBe('Authentication failed: check the session API key');
    cleanup();

    renderStream({ conversationId: 'third' });
    const third = await openConnection();
    third.close(1000, 'bye');
    await waitFor(() => expect(text('connection-state')).toBe('CLOSED'));
    expect(text('error-message')).toBe('none');
    expect(timers.pending(500)).toEqual([]);
  });
});

describe('message sending', () => {
  it('sends a V1 user message frame and shows it optimistically', async () => {
    const { stream } = renderStream();
    const connection = await openConnection();
    act(() => stream().sendMessage('Run the tests', { imageUrls: ['https://example.com/a.png'] }));
    expect(text('optimistic')).toBe('Run the tests');
    expect(JSON.parse(await connection.nextMessage())).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Run the tests' },
        { type: 'image', image_urls: ['https://example.com/a.png'] },
      ],
    });
  });

  it('throws and sets the error when the socket is not open', async () => {
    const { stream } = renderStream();
    const connection = await openConnection();
    act(() => stream().disconnect());
    await connection.closed;
    await waitFor(() => expect(text('connection-state')).toBe('CLOSED'));
    let thrown: unknown;
    act(() => {
      try {
        stream().sendMessage('lost');
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toEqual(new Error('WebSocket is not connected'));
    expect(text('error-message')).toBe('WebSocket is not connected');
    expect(text('optimistic')).toBe('none');
    expect(connection.received).toEqual([]);
  });
});

describe('history loading', () => {
  it('loads until the counted history arrived', async () => {
    const api = fakeApi(3);
    renderStream({ conversationId: 'test-conversation-with-history', api });
    expect(text('is-loading-history')).toBe('true');
    const connection = await openConnection();
    expect(api.countEvents).toHaveBeenCalledWith('test-conversation-with-history');
    connection.send(fullState('idle', 2));
    connection.send(messageEvent(0, 'user', 'Hello'));
    connection.send(messageEvent(1, 'agent', 'Hi'));
    await waitFor(() => expect(text('events-count')).toBe('2'));
    expect(text('is-loading-history')).toBe('true');
    connection.send(messageEvent(2, 'user', 'Thanks'));
    await waitFor(() => expect(text('events-count')).toBe('3'));
    expect(text('is-loading-history')).toBe('false');
  });

  it('stops loading at once for an empty history', async () => {
    renderStream({ api: fakeApi(0) });
    await openConnection();
    await waitFor(() => expect(text('is-loading-history')).toBe('false'));
    expect(text('events-count')).toBe('0');
  });

  it('handles a large history', async () => {
    const count = deferred<number>();
    renderStream({ api: fakeApi(count.promise) });
    const connection = await openConnection();
    for (let id = 0; id < 50; id++)
      connection.send(messageEvent(id, id % 2 ? 'agent' : 'user', `m${id}`));
    await waitFor(() => expect(text('events-count')).toBe('50'));
    expect(text('is-loading-history')).toBe('true');
    await act(async () => count.resolve(50));
    expect(text('is-loading-history')).toBe('false');
  });

  it('stops loading when the count request fails', async () => {
    const api = fakeApi();
    api.countEvents.mockImplementation(() => Promise.reject(new Error('offline')));
    renderStream({ api });
    await openConnection();
    await waitFor(() => expect(text('is-loading-history')).toBe('false'));
  });
});

describe('terminal input and output', () => {
  it('adds a bash command as terminal input', async () => {
    renderStream();
    const connection = await openConnection();
    connection.send(bashAction(1, 'npm test'));
    await waitFor(() =>
      expect(JSON.parse(text('terminal'))).toEqual([
        { type: 'input', content: 'npm test', eventId: '1' },
      ]),
    );
  });

  it('adds a bash observation as terminal output', async () => {
    renderStream();
    const connection = await openConnection();
    const output = 'PASS  tests/example.test.js\n  ✓ should work (2 ms)';
    connection.send(bashObservation(2, output));
    await waitFor(() =>
      expect(JSON.parse(text('terminal'))).toEqual([
        { type: 'output', content: output, eventId: '2' },
      ]),
    );
  });
});

describe('resume and streaming', () => {
  it('reconnects with after_id of the last event and shows the answer without repeats', async () => {
    renderStream();
    const first = await openConnection();
    first.send(fullState('running', -1));
    first.send(messageEvent(0, 'user', 'Tell me'));
    first.send(delta(1, 'Once '));
    first.send(delta(2, 'upon'));
    await waitFor(() => expect(text('streaming')).toBe('Once upon'));
    first.terminate();
    await waitFor(() => expect(text('connection-state')).toBe('RECONNECTING'));
    act(() => timers.fire(500));
    const second = await openConnection();
    expect(second.url.searchParams.get('after_id')).toBe('2');
    expect(second.url.searchParams.has('resend_all')).toBe(false);
    // A server that replays more than asked still produces no duplicate text.
    second.send(fullState('running', 2, 2));
    second.send(delta(2, 'upon'));
    second.send(delta(3, ' a time'));
    await waitFor(() => expect(text('streaming')).toBe('Once upon a time'));
    second.send(messageEvent(4, 'agent', 'Once upon a time'));
    await waitFor(() => expect(text('streaming')).toBe('none'));
    expect(text('events-count')).toBe('2');
  });

  it('treats a silent link as dead after 2.5 heartbeat intervals and resumes', async () => {
    renderStream({ heartbeatIntervalMs: 1000 });
    const first = await openConnection();
    first.send(messageEvent(7, 'user', 'Hello'));
    await waitFor(() => expect(text('events-count')).toBe('1'));
    act(() => timers.fire(2500));
    expect(await first.closed).toBe(4000);
    expect(text('connection-state')).toBe('RECONNECTING');
    expect(text('error-message')).toBe('Connection lost: Heartbeat timeout');
    act(() => timers.fire(500));
    const second = await openConnection();
    expect(second.url.searchParams.get('after_id')).toBe('7');
  });
});

describe('metrics', () => {
  it('loads metrics after the first open and after each final agent message', async () => {
    const api = fakeApi();
    const metrics: ConversationMetrics = {
      model: 'demo',
      accumulatedCost: 0.5,
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      maxBudgetPerTask: null,
      responses: [],
    };
    api.getConversationMetrics.mockResolvedValue(metrics);
    renderStream({ api });
    const connection = await openConnection();
    await waitFor(() => expect(latest?.metrics).toEqual(metrics));
    expect(api.getConversationMetrics).toHaveBeenCalledTimes(1);
    connection.send(messageEvent(1, 'agent', 'Answer'));
    await waitFor(() => expect(api.getConversationMetrics).toHaveBeenCalledTimes(2));
    connection.send(messageEvent(2, 'user', 'More'));
    await waitFor(() => expect(text('events-count')).toBe('2'));
    expect(api.getConversationMetrics).toHaveBeenCalledTimes(2);
  });
});

describe('conversation change', () => {
  it("starts from a clean state on a new socket and drops the old conversation's answers", async () => {
    const api = fakeApi();
    const oldMetrics = deferred<ConversationMetrics | null>();
    api.getConversationMetrics.mockReturnValueOnce(oldMetrics.promise);
    const view = renderStream({ api });
    const first = await openConnection();
    first.send(messageEvent(0, 'user', 'Hello'));
    await waitFor(() => expect(text('events-count')).toBe('1'));
    view.update({
      conversationId: 'other',
      socketUrl: `${server.origin}/sockets/events/other`,
    });
    expect(text('events-count')).toBe('0');
    const second = await openConnection();
    expect(second.url.pathname).toBe('/sockets/events/other');
    expect(second.url.searchParams.get('resend_all')).toBe('true');
    expect(await first.closed).toBe(1000);
    await act(async () =>
      oldMetrics.resolve({
        model: 'old',
        accumulatedCost: 1,
        promptTokens: 1,
        completionTokens: 1,
        totalTokens: 2,
        maxBudgetPerTask: null,
        responses: [],
      }),
    );
    expect(latest?.metrics).toBeNull();
    expect(text('connection-state')).toBe('OPEN');
  });
});
