import { describe, expect, it } from 'vitest';
import { AbortedError } from '../shared/errors.js';
import { answerParts, ScriptedLanguageModel } from '../../test/support/scripted-language-model.js';
import type { LanguageModelRequest } from './language-model.js';
import {
  LlmAuthenticationError,
  LlmBadRequestError,
  LlmCancelledError,
  LlmConnectionError,
  LlmContentPolicyError,
  LlmEmptyResponseError,
  LlmProviderError,
  LlmRateLimitError,
  LlmStreamInterruptedError,
  LlmTimeoutError,
  RetryError,
} from './llm-errors.js';
import {
  retryWaitMs,
  upstreamRetryPolicy,
  withRetry,
  type RetryPolicy,
  type Sleep,
} from './retry.js';

const request: LanguageModelRequest = { messages: [{ role: 'user', content: 'hi' }] };

/** A sleep that records what it was asked to wait and returns at once (or rejects when aborted). */
function recordingSleep(): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  const sleep: Sleep = (milliseconds, { signal }) => {
    waits.push(milliseconds);
    if (signal?.aborted === true) return Promise.reject(new AbortedError());
    return Promise.resolve();
  };
  return { sleep, waits };
}

describe('retryWaitMs', () => {
  it('follows upstream: clamp(8·2^(n−1), 8, 64) seconds', () => {
    const waits = [1, 2, 3, 4, 5].map((n) => retryWaitMs(upstreamRetryPolicy, n, new Error('x')));
    expect(waits).toEqual([8_000, 16_000, 32_000, 64_000, 64_000]);
  });

  it('clamps to the minimum and maximum', () => {
    const policy: RetryPolicy = { maxAttempts: 5, minWaitMs: 50, maxWaitMs: 100, multiplierMs: 10 };
    expect(retryWaitMs(policy, 1, new Error('x'))).toBe(50);
    expect(retryWaitMs(policy, 5, new Error('x'))).toBe(100);
  });

  it('honours the provider’s Retry-After, capped at the maximum wait', () => {
    expect(
      retryWaitMs(upstreamRetryPolicy, 1, new LlmRateLimitError('slow', { retryAfterMs: 2_000 })),
    ).toBe(2_000);
    expect(
      retryWaitMs(upstreamRetryPolicy, 1, new LlmRateLimitError('slow', { retryAfterMs: 500_000 })),
    ).toBe(64_000);
  });
});

describe('withRetry', () => {
  it('retries a rate limit and then succeeds (test_completion_retries): 2 calls, 1 notice', async () => {
    const model = new ScriptedLanguageModel([
      { error: new LlmRateLimitError('429') },
      { parts: answerParts('hello') },
    ]);
    const { sleep, waits } = recordingSleep();
    const notices: string[] = [];
    const completion = await withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete(
      request,
      { onRetry: ({ attempt, maxAttempts }) => notices.push(`${attempt} of ${maxAttempts}`) },
    );
    expect(completion.text).toBe('hello');
    expect(model.calls).toHaveLength(2);
    expect(notices).toEqual(['2 of 5']);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(upstreamRetryPolicy.minWaitMs);
    expect(waits[0]).toBeLessThanOrEqual(upstreamRetryPolicy.maxWaitMs);
  });

  it('stops after maxAttempts calls with a RetryError holding every attempt’s error', async () => {
    const errors = [new LlmConnectionError('reset'), new LlmConnectionError('refused')];
    const model = new ScriptedLanguageModel(errors.map((error) => ({ error })));
    const { sleep } = recordingSleep();
    const policy = { ...upstreamRetryPolicy, maxAttempts: 2 };
    const failure = await withRetry(model, { policy, sleep })
      .complete(request)
      .catch((e) => e);
    expect(failure).toBeInstanceOf(RetryError);
    expect((failure as RetryError).errors).toEqual(errors);
    expect((failure as RetryError).cause).toBe(errors[1]);
    expect(model.calls).toHaveLength(2);
  });

  it.each([
    ['timeout', new LlmTimeoutError('idle', 10)],
    ['5xx', new LlmProviderError('503', true, { statusCode: 503 })],
    ['empty response', new LlmEmptyResponseError()],
  ])('retries a %s', async (_name, error) => {
    const model = new ScriptedLanguageModel([{ error }, { parts: answerParts('ok') }]);
    const { sleep } = recordingSleep();
    await withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete(request);
    expect(model.calls).toHaveLength(2);
  });

  it.each([
    ['authentication', new LlmAuthenticationError('401')],
    ['bad request', new LlmBadRequestError('400')],
    ['content policy', new LlmContentPolicyError('refused')],
    ['an unknown error', new Error('bug')],
  ])('never retries %s', async (_name, error) => {
    const model = new ScriptedLanguageModel([{ error }, { parts: answerParts('never') }]);
    const { sleep, waits } = recordingSleep();
    await expect(
      withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete(request),
    ).rejects.toBe(error);
    expect(model.calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('never retries a cancellation (test_completion_operation_cancelled): 1 call', async () => {
    const controller = new AbortController();
    controller.abort('stop');
    const model = new ScriptedLanguageModel([{ error: new LlmConnectionError('x') }]);
    const { sleep } = recordingSleep();
    const failure = await withRetry(model, { policy: upstreamRetryPolicy, sleep })
      .complete(request, { signal: controller.signal })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(LlmCancelledError);
    expect(failure).toBeInstanceOf(AbortedError);
    expect(model.calls).toHaveLength(1);
  });

  it('an abort during the retry sleep ends the call at once with a cancellation', async () => {
    const controller = new AbortController();
    const model = new ScriptedLanguageModel([
      { error: new LlmRateLimitError('429') },
      { parts: answerParts('never') },
    ]);
    const parts = withRetry(model, {
      policy: { maxAttempts: 5, minWaitMs: 60_000, maxWaitMs: 60_000, multiplierMs: 60_000 },
    }).complete(request, { signal: controller.signal, onRetry: () => controller.abort('stop') });
    await expect(parts).rejects.toBeInstanceOf(LlmCancelledError);
    expect(model.calls).toHaveLength(1);
  });

  it('never retries once visible output was yielded: LlmStreamInterruptedError', async () => {
    const cause = new LlmConnectionError('reset mid-stream');
    const model = new ScriptedLanguageModel([
      { parts: [{ type: 'text-delta', text: 'Hel' }], error: cause },
      { parts: answerParts('Hello') },
    ]);
    const { sleep } = recordingSleep();
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const part of withRetry(model, { policy: upstreamRetryPolicy, sleep }).stream(
        request,
      )) {
        if (part.type === 'text-delta') seen.push(part.text);
      }
    })().catch((e) => e);
    expect(failure).toBeInstanceOf(LlmStreamInterruptedError);
    expect((failure as LlmStreamInterruptedError).cause).toBe(cause);
    expect(seen).toEqual(['Hel']);
    expect(model.calls).toHaveLength(1);
  });

  it('a failed attempt that yielded only usage is still retried', async () => {
    const model = new ScriptedLanguageModel([
      { parts: [answerParts('x')[1]!], error: new LlmEmptyResponseError() },
      { parts: answerParts('ok') },
    ]);
    const { sleep } = recordingSleep();
    const completion = await withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete({
      ...request,
      temperature: 0.5,
    });
    expect(completion.text).toBe('ok');
  });

  it('an empty response at temperature 0 retries at temperature 1.0', async () => {
    const model = new ScriptedLanguageModel([
      { error: new LlmEmptyResponseError() },
      { error: new LlmEmptyResponseError() },
      { parts: answerParts('ok') },
    ]);
    const { sleep } = recordingSleep();
    await withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete({
      ...request,
      temperature: 0,
    });
    expect(model.calls.map((call) => call.request.temperature)).toEqual([0, 1, 1]);
  });

  it('an unset temperature counts as 0', async () => {
    const model = new ScriptedLanguageModel([
      { error: new LlmEmptyResponseError() },
      { parts: answerParts('ok') },
    ]);
    const { sleep } = recordingSleep();
    await withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete(request);
    expect(model.calls.map((call) => call.request.temperature)).toEqual([undefined, 1]);
  });

  it('a non-zero temperature is kept and every attempt is used', async () => {
    const model = new ScriptedLanguageModel(
      Array.from({ length: 5 }, () => ({ error: new LlmEmptyResponseError() })),
    );
    const { sleep, waits } = recordingSleep();
    await expect(
      withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete({
        ...request,
        temperature: 0.7,
      }),
    ).rejects.toBeInstanceOf(RetryError);
    expect(model.calls.map((call) => call.request.temperature)).toEqual([0.7, 0.7, 0.7, 0.7, 0.7]);
    expect(waits).toEqual([8_000, 16_000, 32_000, 64_000]);
  });

  it('passes the caller’s signal to every attempt', async () => {
    const controller = new AbortController();
    const model = new ScriptedLanguageModel([
      { error: new LlmConnectionError('x') },
      { parts: answerParts('ok') },
    ]);
    const { sleep } = recordingSleep();
    await withRetry(model, { policy: upstreamRetryPolicy, sleep }).complete(request, {
      signal: controller.signal,
    });
    expect(model.calls.map((call) => call.signal)).toEqual([controller.signal, controller.signal]);
  });
});
