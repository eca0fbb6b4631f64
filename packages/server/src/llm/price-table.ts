/**
 * Prices per model in US dollars per million tokens, used when the endpoint does not report a
 * cost itself (LiteLLM's `x-litellm-response-cost` header wins). Config may add or replace entries.
 */
import type { TokenUsage } from './language-model.js';

export interface ModelPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  /** Defaults to the input price. */
  readonly cacheReadPerMillion?: number;
  /** Defaults to the input price. */
  readonly cacheWritePerMillion?: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * Public list prices, keyed by model id without the provider prefix. A model id matches the
 * longest key it starts with, so dated snapshots (`claude-sonnet-4-20250514`) find their family.
 */
export const defaultPriceTable: PriceTable = {
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10, cacheReadPerMillion: 1.25 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6, cacheReadPerMillion: 0.075 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8, cacheReadPerMillion: 0.5 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6, cacheReadPerMillion: 0.1 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4, cacheReadPerMillion: 0.025 },
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10, cacheReadPerMillion: 0.125 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2, cacheReadPerMillion: 0.025 },
  o3: { inputPerMillion: 2, outputPerMillion: 8, cacheReadPerMillion: 0.5 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4, cacheReadPerMillion: 0.275 },
  'claude-sonnet-4': sonnet(),
  'claude-3-7-sonnet': sonnet(),
  'claude-3-5-sonnet': sonnet(),
  'claude-opus-4': {
    inputPerMillion: 15,
    outputPerMillion: 75,
    cacheReadPerMillion: 1.5,
    cacheWritePerMillion: 18.75,
  },
  'claude-haiku-4-5': {
    inputPerMillion: 1,
    outputPerMillion: 5,
    cacheReadPerMillion: 0.1,
    cacheWritePerMillion: 1.25,
  },
  'claude-3-5-haiku': {
    inputPerMillion: 0.8,
    outputPerMillion: 4,
    cacheReadPerMillion: 0.08,
    cacheWritePerMillion: 1,
  },
  demo: { inputPerMillion: 0, outputPerMillion: 0 },
};

function sonnet(): ModelPrice {
  return {
    inputPerMillion: 3,
    outputPerMillion: 15,
    cacheReadPerMillion: 0.3,
    cacheWritePerMillion: 3.75,
  };
}

/**
 * The price of `modelName` (`provider/model` or bare): an exact key first (overrides may use the
 * full name), then the longest key the bare model id starts with. `undefined` when unknown.
 */
export function findModelPrice(modelName: string, table: PriceTable): ModelPrice | undefined {
  const exact = table[modelName];
  if (exact !== undefined) return exact;
  const bare = modelName.slice(modelName.lastIndexOf('/') + 1);
  let bestKey: string | undefined;
  for (const key of Object.keys(table)) {
    if (bare.startsWith(key) && (bestKey === undefined || key.length > bestKey.length)) {
      bestKey = key;
    }
  }
  return bestKey === undefined ? undefined : table[bestKey];
}

/**
 * Cost in dollars. `promptTokens` includes cached tokens (both providers report it so), so the
 * uncached part is priced at the input rate and the cached parts at theirs.
 */
export function costOfUsage(usage: TokenUsage, price: ModelPrice): number {
  const uncachedPrompt = Math.max(
    0,
    usage.promptTokens - usage.cacheReadTokens - usage.cacheWriteTokens,
  );
  const dollars =
    uncachedPrompt * price.inputPerMillion +
    usage.cacheReadTokens * (price.cacheReadPerMillion ?? price.inputPerMillion) +
    usage.cacheWriteTokens * (price.cacheWritePerMillion ?? price.inputPerMillion) +
    usage.completionTokens * price.outputPerMillion;
  return dollars / 1_000_000;
}
