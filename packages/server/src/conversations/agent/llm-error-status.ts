import {
  LlmAuthenticationError,
  LlmBadRequestError,
  LlmConnectionError,
  LlmContentPolicyError,
  LlmProviderError,
  LlmRateLimitError,
  LlmStreamInterruptedError,
  LlmTimeoutError,
  RetryError,
} from '../../llm/llm-errors.js';

/** What a failed turn tells its clients (upstream `_react_to_exception`, reference §1.5). */
export interface TurnFailure {
  /** The `status_update` id to send with `type: "error"`; undefined → no status frame. */
  statusId: string | undefined;
  /** The agent state's `reason` (upstream's `last_error`). */
  reason: string;
}

/** Upstream's id for "rate limited until the retries ran out". */
export const rateLimitedStoppedMessage = 'CHAT_INTERFACE$AGENT_RATE_LIMITED_STOPPED_MESSAGE';

/**
 * Maps a turn's error to upstream's runtime status ids: authentication, service unavailable
 * (connection, timeout, other provider errors), internal server error (HTTP 500), out of credits
 * (a budget or quota refusal), content policy; a rate limit that outlived every retry ends with
 * `CHAT_INTERFACE$AGENT_RATE_LIMITED_STOPPED_MESSAGE` as the reason and no status frame, as
 * upstream. Anything else is the generic `STATUS$ERROR`.
 */
export function turnFailureFor(error: unknown): TurnFailure {
  const cause = error instanceof RetryError ? error.errors.at(-1) : error;
  if (cause instanceof LlmRateLimitError) {
    return { statusId: undefined, reason: rateLimitedStoppedMessage };
  }
  if (error instanceof LlmStreamInterruptedError) {
    return {
      statusId: 'STATUS$ERROR',
      reason:
        'The LLM connection broke off in the middle of the answer; the partial answer was kept and ' +
        `not repeated. Send a message to continue. (${describe(error.cause)})`,
    };
  }
  return { statusId: statusIdFor(cause), reason: describe(error) };
}

function statusIdFor(error: unknown): string {
  if (error instanceof LlmAuthenticationError) return 'STATUS$ERROR_LLM_AUTHENTICATION';
  if (error instanceof LlmContentPolicyError) return 'STATUS$ERROR_LLM_CONTENT_POLICY_VIOLATION';
  if (isOutOfCredits(error)) return 'STATUS$ERROR_LLM_OUT_OF_CREDITS';
  if (error instanceof LlmProviderError && error.statusCode === 500) {
    return 'STATUS$ERROR_LLM_INTERNAL_SERVER_ERROR';
  }
  if (
    error instanceof LlmProviderError ||
    error instanceof LlmConnectionError ||
    error instanceof LlmTimeoutError
  ) {
    return 'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE';
  }
  return 'STATUS$ERROR';
}

/** A 402, or a refusal that names an exceeded budget or quota (LiteLLM's `ExceededBudget`). */
function isOutOfCredits(error: unknown): boolean {
  if (!(error instanceof LlmBadRequestError || error instanceof LlmProviderError)) return false;
  if (error.statusCode === 402) return true;
  return /ExceededBudget|exceeded your current quota|insufficient.?(credits|funds|quota)/i.test(
    error.message,
  );
}

/** Upstream's `last_error`: `ClassName: message`. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
