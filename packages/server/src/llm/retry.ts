/**
 * Retries as a higher-order function with an injected policy. An attempt is retried only when its
 * error is retryable (connection, timeout, 408/409/429/5xx, empty or unparsable response) and no
 * visible output of it has been yielded yet; after visible output the call ends with
 * `LlmStreamInterruptedError`, because a second attempt would show a second, different answer.
 * Cancellation is never retried and ends a retry sleep at once.
 */
import { delay } from '../shared/abort.js';
import { AbortedError, isParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { collectCompletion } from './collect-completion.js';
import {
  isVisiblePart,
  type LanguageModel,
  type LanguageModelCallOptions,
  type LanguageModelPart,
  type LanguageModelRequest,
} from './language-model.js';
import {
  LlmCancelledError,
  LlmEmptyResponseError,
  LlmError,
  LlmStreamInterruptedError,
  RetryError,
  errorSummary,
} from './llm-errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first included (upstream's `num_retries`). */
  readonly maxAttempts: number;
  readonly minWaitMs: number;
  readonly maxWaitMs: number;
  /** The wait before retry n is clamp(multiplierMs · 2^(n−1), minWaitMs, maxWaitMs). */
  readonly multiplierMs: number;
}

/** Upstream's defaults: 5 attempts; waits of 8, 16, 32 and 64 s. */
export const upstreamRetryPolicy: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  minWaitMs: 8_000,
  maxWaitMs: 64_000,
  multiplierMs: 8_000,
});

export type Sleep = (milliseconds: number, options: { signal?: AbortSignal }) => Promise<void>;

export interface RetryOptions {
  readonly policy: RetryPolicy;
  /** Replaceable so tests need not wait; must reject with `AbortedError` when the signal fires. */
  readonly sleep?: Sleep;
  readonly logger?: Logger;
}

/**
 * Milliseconds to wait before retry `retryNumber` (1 for the first retry). A provider's
 * `Retry-After`/`retry-after-ms` wins, capped at the policy's maximum.
 */
export function retryWaitMs(policy: RetryPolicy, retryNumber: number, error: unknown): number {
  if (error instanceof LlmError && error.retryAfterMs !== undefined) {
    return Math.min(Math.max(0, error.retryAfterMs), policy.maxWaitMs);
  }
  const exponential = policy.multiplierMs * 2 ** (retryNumber - 1);
  return Math.min(Math.max(exponential, policy.minWaitMs), policy.maxWaitMs);
}

/** Retryable: an `LlmError` marked so. Never cancellation, auth, bad request or content policy. */
export function isRetryableLlmError(error: unknown): boolean {
  return error instanceof LlmError && error.isRetryable;
}

/**
 * Streams `attempt(request)` and retries it under `options.policy`. Yields the parts of the attempt
 * that succeeds (and of failed attempts that never showed visible output: usage parts only).
 */
export async function* streamWithRetry(
  attempt: (
    request: LanguageModelRequest,
    options: LanguageModelCallOptions,
  ) => AsyncIterable<LanguageModelPart>,
  request: LanguageModelRequest,
  callOptions: LanguageModelCallOptions,
  options: RetryOptions,
): AsyncGenerator<LanguageModelPart, void, undefined> {
  const { policy, logger } = options;
  const sleep = options.sleep ?? delay;
  const { signal, onRetry } = callOptions;
  const errors: unknown[] = [];
  let currentRequest = request;

  for (let attemptNumber = 1; ; attemptNumber++) {
    let hasVisibleOutput = false;
    try {
      for await (const part of attempt(currentRequest, { signal })) {
        if (!hasVisibleOutput && isVisiblePart(part)) hasVisibleOutput = true;
        yield part;
      }
      return;
    } catch (error) {
      if (signal?.aborted === true || error instanceof AbortedError) {
        throw error instanceof LlmCancelledError ? error : new LlmCancelledError(signal?.reason);
      }
      if (hasVisibleOutput) {
        throw error instanceof LlmStreamInterruptedError
          ? error
          : new LlmStreamInterruptedError(error);
      }
      if (!isRetryableLlmError(error)) throw error;
      errors.push(error);
      if (attemptNumber >= policy.maxAttempts) throw new RetryError(errors);

      const waitMs = retryWaitMs(policy, attemptNumber, error);
      logger?.warn(
        {
          failure: errorSummary(error),
          attempt: attemptNumber,
          maxAttempts: policy.maxAttempts,
          waitMs,
        },
        `${describe(error)}. Attempt #${attemptNumber} of ${policy.maxAttempts} failed; retrying in ${waitMs} ms`,
      );
      onRetry?.({ attempt: attemptNumber + 1, maxAttempts: policy.maxAttempts, waitMs, error });
      if (error instanceof LlmEmptyResponseError && (currentRequest.temperature ?? 0) === 0) {
        // As upstream: a deterministic request that came back empty would come back empty again.
        currentRequest = { ...currentRequest, temperature: 1 };
      }
      try {
        await sleep(waitMs, { signal });
      } catch (sleepError) {
        if (sleepError instanceof AbortedError || isAborted(signal)) {
          throw new LlmCancelledError(signal?.reason);
        }
        throw sleepError;
      }
    }
  }
}

/** `model` with every call retried under `options.policy`. */
export function withRetry(model: LanguageModel, options: RetryOptions): LanguageModel {
  const attempt = (request: LanguageModelRequest, callOptions: LanguageModelCallOptions) =>
    model.stream(request, callOptions);
  const retrying: LanguageModel = {
    modelName: model.modelName,
    stream: (request, callOptions = {}) => streamWithRetry(attempt, request, callOptions, options),
    complete: (request, callOptions = {}) =>
      collectCompletion(retrying.stream(request, callOptions)),
  };
  return retrying;
}

/** Read through a call so the compiler does not assume `aborted` kept an earlier value. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function describe(error: unknown): string {
  if (isParleyError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
