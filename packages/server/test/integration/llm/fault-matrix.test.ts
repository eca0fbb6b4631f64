/**
 * Every fault of the matrix, through real HTTP against the fake server, for both providers:
 * what is retried (and how long it waits), what is not, and what happens after visible output.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  LlmAuthenticationError,
  LlmBadRequestError,
  LlmConnectionError,
  LlmContentPolicyError,
  LlmEmptyResponseError,
  LlmProviderError,
  LlmRateLimitError,
  LlmResponseInvalidError,
  LlmStreamInterruptedError,
  LlmTimeoutError,
  RetryError,
} from '../../../src/llm/llm-errors.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../support/fake-llm-server.js';
import { createTestModel, drain, type TestProtocol } from '../../support/llm-test-models.js';

const protocols: TestProtocol[] = ['openai', 'anthropic'];

describe.each(protocols)('fault matrix (%s)', (protocol) => {
  let server: FakeLlmServer;
  beforeAll(async () => {
    server = await startFakeLlmServer();
  });
  afterAll(() => server.close());
  let firstRequest = 0;
  beforeEach(() => {
    server.clearQueue();
    firstRequest = server.requests.length;
  });
  const requestsMade = () => server.requests.length - firstRequest;
  const ok = { kind: 'reply', text: 'Recovered fine' } as const;

  it('429 with Retry-After (seconds): waits that long, then succeeds', async () => {
    server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '3' } }, ok);
    const { model, waits } = createTestModel(protocol, server);
    const result = await drain(model);
    expect(result.error).toBeUndefined();
    expect(result.texts.join('')).toBe('Recovered fine');
    expect(waits).toEqual([3_000]);
    expect(requestsMade()).toBe(2);
  });

  it('429 with retry-after-ms: honoured, and capped at the maximum wait', async () => {
    server.enqueue(
      { kind: 'status', status: 429, headers: { 'retry-after-ms': '250' } },
      { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
      ok,
    );
    const { model, waits } = createTestModel(protocol, server);
    expect((await drain(model)).error).toBeUndefined();
    expect(waits).toEqual([250, 64_000]);
  });

  it('429 without a header: exponential waits, and the listener hears each attempt', async () => {
    server.enqueue({ kind: 'status', status: 429 }, { kind: 'status', status: 429 }, ok);
    const { model, waits } = createTestModel(protocol, server);
    const notices: string[] = [];
    const result = await drain(model, undefined, {
      onRetry: ({ attempt, maxAttempts, error }) => {
        expect(error).toBeInstanceOf(LlmRateLimitError);
        notices.push(`${attempt}/${maxAttempts}`);
      },
    });
    expect(result.error).toBeUndefined();
    expect(waits).toEqual([8_000, 16_000]);
    expect(notices).toEqual(['2/5', '3/5']);
  });

  it.each([500, 503, 408, 409])('%i is retried', async (status) => {
    server.enqueue({ kind: 'status', status }, ok);
    const { model } = createTestModel(protocol, server);
    expect((await drain(model)).error).toBeUndefined();
    expect(requestsMade()).toBe(2);
  });

  it('gives up after maxAttempts with a RetryError holding every attempt’s error', async () => {
    server.enqueue(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 500 },
    );
    const { model, waits } = createTestModel(protocol, server, { retry: { maxAttempts: 3 } });
    const { error } = await drain(model);
    expect(error).toBeInstanceOf(RetryError);
    const errors = (error as RetryError).errors;
    expect(errors).toHaveLength(3);
    expect(errors.map((each) => (each as LlmProviderError).statusCode)).toEqual([500, 503, 500]);
    expect(waits).toHaveLength(2);
    expect(requestsMade()).toBe(3);
  });

  it.each([
    [401, LlmAuthenticationError],
    [403, LlmAuthenticationError],
    [400, LlmBadRequestError],
    [404, LlmBadRequestError],
  ])('%i is not retried', async (status, errorClass) => {
    server.enqueue({ kind: 'status', status }, ok);
    const { model, waits } = createTestModel(protocol, server);
    const { error } = await drain(model);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as LlmBadRequestError).statusCode).toBe(status);
    expect(waits).toEqual([]);
    expect(requestsMade()).toBe(1);
  });

  it('a content-policy refusal is not retried', async () => {
    server.enqueue(
      { kind: 'status', status: 400, message: 'Your request was rejected by our content_policy' },
      ok,
    );
    const { model } = createTestModel(protocol, server);
    expect((await drain(model)).error).toBeInstanceOf(LlmContentPolicyError);
    expect(requestsMade()).toBe(1);
  });

  it('a socket reset before the headers is a retried connection error', async () => {
    server.enqueue({ kind: 'reset-before-headers' }, ok);
    const { model } = createTestModel(protocol, server);
    const errors: unknown[] = [];
    const result = await drain(model, undefined, { onRetry: ({ error }) => errors.push(error) });
    expect(result.error).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(LlmConnectionError);
    expect(requestsMade()).toBe(2);
  });

  it('a connection that always fails: exactly maxAttempts calls, then RetryError', async () => {
    server.enqueue({ kind: 'reset-before-headers' }, { kind: 'reset-before-headers' }, ok);
    const { model } = createTestModel(protocol, server, { retry: { maxAttempts: 2 } });
    const { error } = await drain(model);
    expect(error).toBeInstanceOf(RetryError);
    expect((error as RetryError).errors.every((each) => each instanceof LlmConnectionError)).toBe(
      true,
    );
    expect(requestsMade()).toBe(2);
  });

  it('a reset after visible output ends with LlmStreamInterruptedError, no retry', async () => {
    server.enqueue({ kind: 'reset-mid-stream', afterChunks: 3 }, ok);
    const { model } = createTestModel(protocol, server);
    const { error, texts } = await drain(model);
    expect(error).toBeInstanceOf(LlmStreamInterruptedError);
    expect((error as LlmStreamInterruptedError).cause).toBeInstanceOf(LlmConnectionError);
    expect(texts).toEqual(['word0 ', 'word1 ', 'word2 ']);
    expect(requestsMade()).toBe(1);
  });

  it('no headers within the connect timeout: a retried timeout', async () => {
    server.enqueue({ kind: 'stall-before-headers' }, ok);
    const { model } = createTestModel(protocol, server, { timeouts: { connectMs: 150 } });
    const errors: unknown[] = [];
    const result = await drain(model, undefined, { onRetry: ({ error }) => errors.push(error) });
    expect(result.error).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(LlmTimeoutError);
    expect((errors[0] as LlmTimeoutError).phase).toBe('connect');
  });

  it('no first token within its timeout: a retried timeout', async () => {
    server.enqueue({ kind: 'stall', afterChunks: 0 }, ok);
    const { model } = createTestModel(protocol, server, { timeouts: { firstTokenMs: 150 } });
    const errors: unknown[] = [];
    const result = await drain(model, undefined, { onRetry: ({ error }) => errors.push(error) });
    expect(result.error).toBeUndefined();
    expect((errors[0] as LlmTimeoutError).phase).toBe('first-token');
    // The stalled request's connection was closed when the timeout fired.
    await server.requests[firstRequest]!.socketClosed;
  });

  it('a stall between chunks after output: idle timeout, interrupted, not retried', async () => {
    server.enqueue({ kind: 'stall', afterChunks: 2 }, ok);
    const { model } = createTestModel(protocol, server, { timeouts: { idleMs: 150 } });
    const { error, texts } = await drain(model);
    expect(error).toBeInstanceOf(LlmStreamInterruptedError);
    expect((error as LlmStreamInterruptedError).cause).toMatchObject({ phase: 'idle' });
    expect(texts).toHaveLength(2);
    expect(requestsMade()).toBe(1);
  });

  it('slow tokens within the idle timeout are fine', async () => {
    server.enqueue({ kind: 'reply', text: ['a', 'b', 'c', 'd'], chunkDelayMs: 40 });
    // A wide margin: a loaded machine may delay a 40 ms pause, and must not fail this.
    const { model } = createTestModel(protocol, server, { timeouts: { idleMs: 20_000 } });
    const { error, texts } = await drain(model);
    expect(error).toBeUndefined();
    expect(texts).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a malformed first chunk is retried', async () => {
    server.enqueue({ kind: 'malformed-chunk', afterChunks: 0 }, ok);
    const { model } = createTestModel(protocol, server);
    const errors: unknown[] = [];
    const result = await drain(model, undefined, { onRetry: ({ error }) => errors.push(error) });
    expect(result.error).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(LlmResponseInvalidError);
    expect(result.texts.join('')).toBe('Recovered fine');
  });

  it('a malformed chunk after output ends the call as interrupted', async () => {
    server.enqueue({ kind: 'malformed-chunk', afterChunks: 2 }, ok);
    const { model } = createTestModel(protocol, server);
    const { error, texts } = await drain(model);
    expect(error).toBeInstanceOf(LlmStreamInterruptedError);
    expect((error as LlmStreamInterruptedError).cause).toBeInstanceOf(LlmResponseInvalidError);
    expect(texts).toHaveLength(2);
    expect(requestsMade()).toBe(1);
  });

  it('an error event before any output (overloaded) is retried', async () => {
    server.enqueue({ kind: 'error-event', afterChunks: 0 }, ok);
    const { model } = createTestModel(protocol, server);
    const errors: unknown[] = [];
    const result = await drain(model, undefined, { onRetry: ({ error }) => errors.push(error) });
    expect(result.error).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(LlmProviderError);
    expect((errors[0] as LlmProviderError).isRetryable).toBe(true);
    expect(result.texts.join('')).toBe('Recovered fine');
  });

  it('an error event after output ends the call as interrupted', async () => {
    server.enqueue({ kind: 'error-event', afterChunks: 2 }, ok);
    const { model } = createTestModel(protocol, server);
    const { error, texts } = await drain(model);
    expect(error).toBeInstanceOf(LlmStreamInterruptedError);
    expect(texts).toHaveLength(2);
    expect(requestsMade()).toBe(1);
  });

  it('an error event saying the request is invalid is not retried', async () => {
    server.enqueue(
      { kind: 'error-event', afterChunks: 0, errorType: 'invalid_request_error', code: 400 },
      ok,
    );
    const { model } = createTestModel(protocol, server);
    expect((await drain(model)).error).toBeInstanceOf(LlmBadRequestError);
    expect(requestsMade()).toBe(1);
  });

  it('a stream that ends without saying why after output counts as cut off', async () => {
    server.enqueue({ kind: 'reply', text: ['Partial', ' answer'], omitFinishReason: true }, ok);
    const { model } = createTestModel(protocol, server);
    const { error, texts } = await drain(model);
    expect(texts).toEqual(['Partial', ' answer']);
    expect(error).toBeInstanceOf(LlmStreamInterruptedError);
    expect((error as LlmStreamInterruptedError).cause).toBeInstanceOf(LlmConnectionError);
    expect(requestsMade()).toBe(1);
  });

  it('an empty response at temperature 0 is retried at temperature 1.0', async () => {
    server.enqueue({ kind: 'empty-choices' }, ok);
    const { model } = createTestModel(protocol, server);
    const errors: unknown[] = [];
    const result = await drain(
      model,
      { messages: [{ role: 'user', content: 'hi' }], temperature: 0 },
      { onRetry: ({ error }) => errors.push(error) },
    );
    expect(result.error).toBeUndefined();
    expect(errors[0]).toBeInstanceOf(LlmEmptyResponseError);
    const temperatures = server.requests
      .slice(firstRequest)
      .map((request) => request.body['temperature']);
    expect(temperatures).toEqual([0, 1]);
  });

  it('an empty response is retried until the attempts run out', async () => {
    server.enqueue({ kind: 'empty-choices' }, { kind: 'empty-choices' });
    const { model } = createTestModel(protocol, server, { retry: { maxAttempts: 2 } });
    const { error } = await drain(model);
    expect(error).toBeInstanceOf(RetryError);
    expect(
      (error as RetryError).errors.every((each) => each instanceof LlmEmptyResponseError),
    ).toBe(true);
  });
});
