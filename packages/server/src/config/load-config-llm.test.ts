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

  it('reads every LLM variable; a timeout of 0 means none', () => {
    const llm = loadConfig(
      {
        LLM_NUM_RETRIES: '3',
        LLM_RETRY_MIN_WAIT_MS: '100',
        LLM_RETRY_MAX_WAIT_MS: '2000',
        LLM_RETRY_MULTIPLIER_MS: '250',
        LLM_CONNECT_TIMEOUT_MS: '1000',
        LLM_FIRST_TOKEN_TIMEOUT_MS: '0',
        LLM_IDLE_TIMEOUT_MS: '5000',
        LOG_COMPLETIONS: 'true',
        PARLEY_DEMO_TOKEN_DELAY_MS: '0',
        LLM_PRICES: '{"openai/my-model": {"input": 1.5, "output": 6, "cacheRead": 0.5}}',
      },
      noDotenv,
    ).llm;
    expect(llm).toMatchObject({
      retry: { maxAttempts: 3, minWaitMs: 100, maxWaitMs: 2_000, multiplierMs: 250 },
      timeouts: { connectMs: 1_000, firstTokenMs: Infinity, idleMs: 5_000 },
      logCompletions: true,
      demoTokenDelayMs: 0,
      priceOverrides: {
        'openai/my-model': { inputPerMillion: 1.5, outputPerMillion: 6, cacheReadPerMillion: 0.5 },
      },
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
