/**
 * Maps what the AI SDK and `fetch` throw (or put in `error` stream parts) to the LLM layer's typed
 * errors, which carry the retry decision: 408, 409, 429, 5xx, connection failures and unparsable
 * chunks are retryable; 401/403, other 4xx and content-policy refusals are not.
 */
import { APICallError } from '@ai-sdk/provider';
import { AbortedError } from '../../../shared/errors.js';
import {
  LlmAuthenticationError,
  LlmBadRequestError,
  LlmConnectionError,
  LlmContentPolicyError,
  LlmError,
  LlmProviderError,
  LlmRateLimitError,
  LlmResponseInvalidError,
} from '../../llm-errors.js';
import { parseRetryAfter } from '../../retry-after.js';

const contentPolicyPattern =
  /content[_ ]policy|content[_ ]filter|content management policy|responsible ?ai|safety system/i;

/** Error names of the AI SDK's parse and validation failures. */
const invalidResponseNames = new Set([
  'AI_JSONParseError',
  'AI_TypeValidationError',
  'AI_InvalidResponseDataError',
  'AI_EmptyResponseBodyError',
]);

/** The typed error for `error`; `AbortedError`s and `LlmError`s pass through unchanged. */
export function toLlmError(error: unknown): Error {
  if (error instanceof LlmError || error instanceof AbortedError) return error;
  // Checked first: the library wraps a connection dropped mid-body in an APICallError (status 200).
  if (isNetworkError(error)) {
    return new LlmConnectionError(`The connection to the LLM failed: ${networkReason(error)}`, {
      cause: error,
    });
  }
  if (APICallError.isInstance(error) && error.statusCode !== undefined && error.statusCode < 300) {
    return new LlmResponseInvalidError(
      `The LLM sent an invalid response: ${networkReason(error)}`,
      {
        cause: error,
      },
    );
  }
  if (APICallError.isInstance(error)) return fromApiCallError(error);
  if (error instanceof Error && invalidResponseNames.has(error.name)) {
    return new LlmResponseInvalidError(`The LLM sent an invalid response: ${error.message}`, {
      cause: error,
    });
  }
  if (isProviderErrorBody(error)) return fromProviderErrorBody(error);
  const message = error instanceof Error ? error.message : String(error);
  return new LlmProviderError(`The LLM call failed: ${message}`, false, { cause: error });
}

function fromApiCallError(error: APICallError): LlmError {
  const statusCode = error.statusCode;
  const options = {
    cause: error,
    statusCode,
    retryAfterMs: parseRetryAfter(error.responseHeaders),
  };
  const detail = error.responseBody === undefined ? '' : ` ${clip(error.responseBody)}`;
  if (statusCode === undefined) {
    return new LlmConnectionError(error.message, options);
  }
  const message = `The LLM provider answered ${statusCode}: ${error.message}${detail}`;
  if (statusCode === 401 || statusCode === 403) return new LlmAuthenticationError(message, options);
  if (statusCode === 429) return new LlmRateLimitError(message, options);
  if (statusCode === 408 || statusCode === 409 || statusCode >= 500) {
    return new LlmProviderError(message, true, options);
  }
  if (contentPolicyPattern.test(`${error.message} ${error.responseBody ?? ''}`)) {
    return new LlmContentPolicyError(message, options);
  }
  if (statusCode >= 400 && statusCode < 500) return new LlmBadRequestError(message, options);
  return new LlmProviderError(message, false, options);
}

interface ProviderErrorBody {
  readonly message?: unknown;
  readonly type?: unknown;
  readonly code?: unknown;
}

/** An error object sent inside the stream (OpenRouter's `{error}` chunk, Anthropic's `error` event). */
function isProviderErrorBody(error: unknown): error is ProviderErrorBody {
  return (
    typeof error === 'object' &&
    error !== null &&
    !(error instanceof Error) &&
    ('message' in error || 'type' in error)
  );
}

function fromProviderErrorBody(body: ProviderErrorBody): LlmError {
  const type = typeof body.type === 'string' ? body.type : '';
  const code = typeof body.code === 'number' ? body.code : Number(body.code);
  const message = `The LLM stream reported an error: ${typeof body.message === 'string' ? body.message : JSON.stringify(body)}`;
  const options = { cause: body, statusCode: Number.isFinite(code) ? code : undefined };
  if (type === 'authentication_error' || type === 'permission_error' || code === 401) {
    return new LlmAuthenticationError(message, options);
  }
  if (type === 'rate_limit_error' || code === 429) return new LlmRateLimitError(message, options);
  if (type === 'invalid_request_error' || (code >= 400 && code < 500 && code !== 408)) {
    return contentPolicyPattern.test(message)
      ? new LlmContentPolicyError(message, options)
      : new LlmBadRequestError(message, options);
  }
  return new LlmProviderError(message, true, options);
}

const networkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** undici reports a dropped connection as `TypeError: terminated` or `fetch failed` with a cause. */
function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current instanceof TypeError && /^(terminated|fetch failed)$/i.test(current.message)) {
      return true;
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && networkCodes.has(code)) return true;
  }
  return false;
}

function networkReason(error: unknown): string {
  const reasons: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    reasons.push(current.message);
  }
  return reasons.join(': ');
}

function clip(text: string): string {
  return text.length <= 500 ? text : `${text.slice(0, 500)}…`;
}
