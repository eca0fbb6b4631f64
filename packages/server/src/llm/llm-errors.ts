/**
 * The errors the LLM layer raises. Each is a ParleyError with a stable code; `isRetryable` tells
 * the retry policy whether another attempt may help. Cancellation is an `AbortedError` (code
 * OPERATION_ABORTED), so one `instanceof AbortedError` check covers LLM calls, sleeps and tools.
 */
import { AbortedError, ParleyError, type ErrorCode } from '../shared/errors.js';

export interface LlmErrorOptions {
  cause?: unknown;
  /** HTTP status the provider answered, when there was one. */
  statusCode?: number;
  /** How long the provider asked us to wait (Retry-After / retry-after-ms), in ms. */
  retryAfterMs?: number;
}

/** Base class of every LLM failure except cancellation. */
export class LlmError extends ParleyError {
  readonly statusCode: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, isRetryable: boolean, options: LlmErrorOptions) {
    super(code, message, { cause: options.cause, isRetryable });
    this.statusCode = options.statusCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The request is unusable before any network call (for example, no messages). */
export class LlmRequestInvalidError extends LlmError {
  constructor(message: string) {
    super('LLM_REQUEST_INVALID', message, false, {});
  }
}

/** The model name cannot be mapped to a provider. */
export class LlmModelUnknownError extends LlmError {
  constructor(model: string) {
    super(
      'LLM_MODEL_UNKNOWN',
      `Unknown model "${model}": use demo, openai/<model>, anthropic/<model>, openrouter/<model>, or set a base URL`,
      false,
      {},
    );
  }
}

export class LlmAuthenticationError extends LlmError {
  constructor(message: string, options: LlmErrorOptions = {}) {
    super('LLM_AUTHENTICATION', message, false, options);
  }
}

export class LlmBadRequestError extends LlmError {
  constructor(message: string, options: LlmErrorOptions = {}) {
    super('LLM_BAD_REQUEST', message, false, options);
  }
}

export class LlmContentPolicyError extends LlmError {
  constructor(message: string, options: LlmErrorOptions = {}) {
    super('LLM_CONTENT_POLICY', message, false, options);
  }
}

export class LlmRateLimitError extends LlmError {
  constructor(message: string, options: LlmErrorOptions = {}) {
    super('LLM_RATE_LIMITED', message, true, options);
  }
}

/** 5xx, 408, 409 (retryable) or another unexpected status (not retryable). */
export class LlmProviderError extends LlmError {
  constructor(message: string, isRetryable: boolean, options: LlmErrorOptions = {}) {
    super('LLM_PROVIDER_ERROR', message, isRetryable, options);
  }
}

/** Connection refused, reset, or closed before the stream ended. */
export class LlmConnectionError extends LlmError {
  constructor(message: string, options: LlmErrorOptions = {}) {
    super('LLM_CONNECTION', message, true, options);
  }
}

export type LlmTimeoutPhase = 'connect' | 'first-token' | 'idle';

/** One of the three timeouts fired; `phase` says which. */
export class LlmTimeoutError extends LlmError {
  readonly phase: LlmTimeoutPhase;
  readonly timeoutMs: number;

  constructor(phase: LlmTimeoutPhase, timeoutMs: number) {
    const what = {
      connect: 'connect and send its response headers',
      'first-token': 'send its first token',
      idle: 'send the next chunk',
    }[phase];
    super('LLM_TIMEOUT', `The LLM did not ${what} within ${timeoutMs} ms`, true, {});
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** The response had no text, reasoning or tool call (upstream's LLMNoResponseError). */
export class LlmEmptyResponseError extends LlmError {
  constructor(message = 'The LLM response contained no text, reasoning or tool call') {
    super('LLM_EMPTY_RESPONSE', message, true, {});
  }
}

/** A chunk or body did not parse or had the wrong shape. */
export class LlmResponseInvalidError extends LlmError {
  constructor(message: string, options: LlmErrorOptions = {}) {
    super('LLM_RESPONSE_INVALID', message, true, options);
  }
}

/**
 * The attempt failed after visible output (text, reasoning or a tool call) was streamed. It is
 * never retried: a second attempt would show the user a second, different answer. `cause` is the
 * underlying error.
 */
export class LlmStreamInterruptedError extends LlmError {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'LLM_STREAM_INTERRUPTED',
      `The LLM stream failed after output was shown, so it is not retried: ${reason}`,
      false,
      { cause },
    );
  }
}

/** Every attempt failed with a retryable error; `errors` holds each attempt's error in order. */
export class RetryError extends LlmError {
  readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    const last = errors.at(-1);
    const reason = last instanceof Error ? last.message : String(last);
    super(
      'LLM_RETRIES_EXHAUSTED',
      `The LLM call failed after ${errors.length} attempts; last error: ${reason}`,
      false,
      { cause: last },
    );
    this.errors = errors;
  }
}

/** The caller's signal fired. An `AbortedError`; `cause` is the signal's reason. */
export class LlmCancelledError extends AbortedError {
  constructor(reason?: unknown) {
    super('The LLM call was cancelled', { cause: reason });
  }
}

/**
 * A log-safe summary of an LLM failure: name, code, status and the chain of messages. Never the
 * error objects themselves, whose `cause` may carry the request body (the prompt) or headers.
 */
export function errorSummary(error: unknown): Record<string, unknown> {
  const messages: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && depth < 5; depth++) {
    messages.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return {
    name: error instanceof Error ? error.name : typeof error,
    code: error instanceof ParleyError ? error.code : undefined,
    statusCode: error instanceof LlmError ? error.statusCode : undefined,
    message: messages.join(' ← '),
  };
}
