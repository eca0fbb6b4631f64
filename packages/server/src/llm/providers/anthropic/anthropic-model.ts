/** Anthropic Messages, natively (prompt caching, thinking); wire format from `@ai-sdk/anthropic`. */
import { createAnthropic } from '@ai-sdk/anthropic';
import { AiSdkModel, type LlmTimeouts } from '../ai-sdk/ai-sdk-model.js';
import type { PriceTable } from '../../price-table.js';

export interface AnthropicModelOptions {
  /** `anthropic/<model>` as configured, for metrics and logs. */
  readonly modelName: string;
  /** For example `claude-sonnet-4-20250514`. */
  readonly modelId: string;
  /** Default `https://api.anthropic.com/v1`; requests go to `<baseUrl>/messages`. */
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeouts?: LlmTimeouts;
  readonly priceTable?: PriceTable;
  readonly contextWindow?: number;
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: typeof fetch;
}

export const anthropicDefaultBaseUrl = 'https://api.anthropic.com/v1';

export class AnthropicModel extends AiSdkModel {
  constructor(options: AnthropicModelOptions) {
    const provider = createAnthropic({
      baseURL: options.baseUrl ?? anthropicDefaultBaseUrl,
      // The library reads ANTHROPIC_API_KEY when no key is given; Parley passes config explicitly.
      apiKey: options.apiKey ?? '',
      headers: options.headers === undefined ? undefined : { ...options.headers },
      fetch: options.fetch,
    });
    super({
      modelName: options.modelName,
      model: provider.messages(options.modelId),
      timeouts: options.timeouts,
      priceTable: options.priceTable,
      contextWindow: options.contextWindow,
    });
  }
}
