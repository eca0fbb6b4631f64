import { describe, expect, it } from 'vitest';
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
import { rateLimitedStoppedMessage, turnFailureFor } from './llm-error-status.js';

describe('turnFailureFor (upstream _react_to_exception)', () => {
  it.each([
    [new LlmAuthenticationError('bad key', { statusCode: 401 }), 'STATUS$ERROR_LLM_AUTHENTICATION'],
    [
      new LlmProviderError('down', true, { statusCode: 503 }),
      'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
    ],
    [new LlmConnectionError('reset'), 'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE'],
    [new LlmTimeoutError('idle', 10), 'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE'],
    [
      new LlmProviderError('boom', true, { statusCode: 500 }),
      'STATUS$ERROR_LLM_INTERNAL_SERVER_ERROR',
    ],
    [
      new LlmBadRequestError('ExceededBudget: spent', { statusCode: 400 }),
      'STATUS$ERROR_LLM_OUT_OF_CREDITS',
    ],
    [new LlmBadRequestError('pay up', { statusCode: 402 }), 'STATUS$ERROR_LLM_OUT_OF_CREDITS'],
    [new LlmContentPolicyError('refused'), 'STATUS$ERROR_LLM_CONTENT_POLICY_VIOLATION'],
    [new LlmBadRequestError('malformed', { statusCode: 400 }), 'STATUS$ERROR'],
    [new Error('anything'), 'STATUS$ERROR'],
    [
      new RetryError([new LlmProviderError('down', true, { statusCode: 503 })]),
      'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
    ],
  ])('%s → %s', (error, statusId) => {
    const failure = turnFailureFor(error);
    expect(failure.statusId).toBe(statusId);
    expect(failure.reason).toBe(`${error.name}: ${error.message}`);
  });

  it('a rate limit: no status frame, the rate-limited message as the reason', () => {
    for (const error of [
      new LlmRateLimitError('slow down'),
      new RetryError([new LlmRateLimitError('x')]),
    ]) {
      expect(turnFailureFor(error)).toEqual({
        statusId: undefined,
        reason: rateLimitedStoppedMessage,
      });
    }
  });

  it('an interrupted stream says the partial answer was kept', () => {
    const failure = turnFailureFor(new LlmStreamInterruptedError(new LlmConnectionError('reset')));
    expect(failure.statusId).toBe('STATUS$ERROR');
    expect(failure.reason).toContain('partial answer was kept');
    expect(failure.reason).toContain('reset');
  });
});
