import { describe, expect, it } from 'vitest';
import { costOfUsage, defaultPriceTable, findModelPrice } from './price-table.js';

describe('price table', () => {
  it('matches the longest model-id prefix, with or without the provider', () => {
    expect(
      findModelPrice('openai/gpt-4o-mini-2024-07-18', defaultPriceTable)?.inputPerMillion,
    ).toBe(0.15);
    expect(findModelPrice('gpt-4o', defaultPriceTable)?.inputPerMillion).toBe(2.5);
    expect(
      findModelPrice('anthropic/claude-sonnet-4-20250514', defaultPriceTable)?.outputPerMillion,
    ).toBe(15);
    expect(findModelPrice('openai/llama-3-local', defaultPriceTable)).toBeUndefined();
  });

  it('lets an override keyed by the full name win', () => {
    const table = {
      ...defaultPriceTable,
      'openai/gpt-4o': { inputPerMillion: 1, outputPerMillion: 1 },
    };
    expect(findModelPrice('openai/gpt-4o', table)?.inputPerMillion).toBe(1);
  });

  it('prices cached and uncached prompt tokens separately', () => {
    const cost = costOfUsage(
      {
        promptTokens: 1_000_000,
        completionTokens: 100_000,
        cacheReadTokens: 400_000,
        cacheWriteTokens: 100_000,
        reasoningTokens: 0,
      },
      {
        inputPerMillion: 3,
        outputPerMillion: 15,
        cacheReadPerMillion: 0.3,
        cacheWritePerMillion: 3.75,
      },
    );
    expect(cost).toBeCloseTo(0.5 * 3 + 0.4 * 0.3 + 0.1 * 3.75 + 0.1 * 15, 10);
  });
});
