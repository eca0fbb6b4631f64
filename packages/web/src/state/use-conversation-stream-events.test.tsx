/** @vitest-environment jsdom */
// useConversationStream against a real ws mock server, what it makes of the frames: events, the
// optimistic message, sending, history loading, terminal lines and metrics. The upstream cases
// these and use-conversation-stream-connection.test.tsx cover are listed in the latter.
import { act, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConversationMetrics } from '../api';
import {
  deferred,
  fakeApi,
  latest,
  openConnection,
  renderStream,
  text,
  useStreamHarness,
} from '../../test/support/conversation-stream-probe';
import { bashAction, bashObservation, fullState, messageEvent } from '../../test/support/v1-frames';

useStreamHarness();

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
