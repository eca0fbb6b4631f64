/** @vitest-environment jsdom */
// useConversationStream against a real ws mock server, its connection: opening, a manual
// disconnect, errors and close codes, resuming after a lost link, a change of conversation. With
// use-conversation-stream-events.test.tsx: every case of upstream's
// conversation-websocket-handler.test.tsx listed in reference §3.4 (the todos included where they
// apply to this client: manual disconnect, close codes, sending), plus resume, streaming and metrics.
import { act, cleanup, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConversationMetrics } from '../api';
import {
  deferred,
  fakeApi,
  latest,
  openConnection,
  renderStream,
  server,
  text,
  timers,
  useStreamHarness,
} from '../../test/support/conversation-stream-probe';
import { agentError, delta, fullState, messageEvent } from '../../test/support/v1-frames';

useStreamHarness();

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
