/**
 * What the useConversationStream tests share: a mock WebSocket server and manual timers made fresh
 * for each test by the hooks `useStreamHarness` registers, a probe component that shows the hook's
 * state as text (the way upstream's test component shows its stores), and helpers to render it and
 * wait for its socket. `server`, `timers` and `latest` are the running test's.
 */
import { configure, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import type { ConversationMetrics } from '../../src/api';
import {
  useConversationStream,
  type ConversationStream,
  type UseConversationStreamOptions,
} from '../../src/state/use-conversation-stream';
import { ManualTimers } from './manual-timers';
import {
  startMockWebSocketServer,
  type MockConnection,
  type MockWebSocketServer,
} from './mock-websocket-server';

export let server: MockWebSocketServer;
export let timers: ManualTimers;

/** Registers the hooks that start a mock server and fresh timers before each test, and stop them after. */
export function useStreamHarness(): void {
  // Real sockets: a loaded CI machine may need more than the default 1 s to see a frame.
  configure({ asyncUtilTimeout: 5000 });

  beforeEach(async () => {
    server = await startMockWebSocketServer();
    timers = new ManualTimers();
  });

  afterEach(async () => {
    cleanup();
    await server.close();
  });
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/** A promise with its resolve and reject, to settle when a test decides. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** The REST calls the hook makes: `count` events, no metrics. */
export function fakeApi(count: number | Promise<number> = 0) {
  return {
    countEvents: vi.fn((_id: string) => Promise.resolve(count)),
    getConversationMetrics: vi.fn((_id: string): Promise<ConversationMetrics | null> =>
      Promise.resolve(null),
    ),
  };
}

/** The hook's state as text, the way upstream's test component shows its stores. */
export let latest: ConversationStream | undefined;

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

/** The text the probe shows under `testId`. */
export function text(testId: string): string {
  return screen.getByTestId(testId).textContent ?? '';
}

/** Renders the probe against the mock server; `update` re-renders it with other options. */
export function renderStream(options: Partial<UseConversationStreamOptions> = {}) {
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

/** The next connection the server accepts, once the hook reports it OPEN. */
export async function openConnection(): Promise<MockConnection> {
  const connection = await server.nextConnection();
  await waitFor(() => expect(text('connection-state')).toBe('OPEN'));
  return connection;
}
