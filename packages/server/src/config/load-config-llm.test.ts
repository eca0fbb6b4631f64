import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const noDotenv = { dotenvPath: false } as const;

describe('loadConfig: LLM variables', () => {
  it('defaults to upstream’s retry policy, Parley’s timeouts, no completion logs, a 30 ms demo pace', () => {
    expect(loadConfig({}, noDotenv).llm).toEqual({
      model: 'demo',
      apiKey: undefined,
      baseUrl: undefined,
      retry: { maxAttempts: 5, minWaitMs: 8_000, maxWaitMs: 64_000, multiplierMs: 8_000 },
      timeouts: { connectMs: 30_000, firstTokenMs: 180_000, idleMs: 60_000 },
      logCompletions: false,
      demoTokenDelayMs: 30,
      priceOverrides: {},
    });
  });

  it.each([
    [{ LLM_NUM_RETRIES: '0' }, /LLM_NUM_RETRIES/],
    [{ LLM_RETRY_MIN_WAIT_MS: '-5' }, /LLM_RETRY_MIN_WAIT_MS/],
    [{ LLM_IDLE_TIMEOUT_MS: 'soon' }, /LLM_IDLE_TIMEOUT_MS/],
    [{ LLM_CONNECT_TIMEOUT_MS: '99999999999' }, /LLM_CONNECT_TIMEOUT_MS/],
    [{ LOG_COMPLETIONS: 'sometimes' }, /LOG_COMPLETIONS/],
    [{ LLM_PRICES: 'cheap' }, /LLM_PRICES must be JSON/],
    [{ LLM_PRICES: '{"gpt-4o": {"input": -1, "output": 1}}' }, /LLM_PRICES/],
    [{ LLM_PRICES: '{"gpt-4o": {"input": 1, "outptu": 1}}' }, /LLM_PRICES/],
  ])('a bad value is one line naming the variable: %j', (environment, message) => {
    expect(() => loadConfig(environment, noDotenv)).toThrow(message);
  });
});
