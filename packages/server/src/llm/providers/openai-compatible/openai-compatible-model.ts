/**
 * OpenAI Chat Completions and everything that speaks it: OpenAI, OpenRouter, vLLM, llama.cpp
 * server, Ollama, LM Studio and LiteLLM proxies. The wire format is `@ai-sdk/openai-compatible`'s.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AiSdkModel, type LlmTimeouts } from '../ai-sdk/ai-sdk-model.js';
import type { PriceTable } from '../../price-table.js';

export interface OpenAiCompatibleModelOptions {
  /** `provider/model` as configured, for metrics and logs (for example `openai/gpt-4o`). */
  readonly modelName: string;
  /** The id the endpoint knows the model by (for example `gpt-4o`). */
  readonly modelId: string;
  /** Up to and including the version segment, for example `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeouts?: LlmTimeouts;
  readonly priceTable?: PriceTable;
  readonly contextWindow?: number;
  /** Ask for a final usage chunk (`stream_options.include_usage`); default true. */
  readonly includeUsage?: boolean;
  /** Replaces the global `fetch` (tests, proxies). */
  readonly fetch?: typeof fetch;
}

export class OpenAiCompatibleModel extends AiSdkModel {
  constructor(options: OpenAiCompatibleModelOptions) {
    const provider = createOpenAICompatible({
      name: providerName(options.modelName),
      baseURL: options.baseUrl,
      apiKey: options.apiKey,
      headers: options.headers === undefined ? undefined : { ...options.headers },
      includeUsage: options.includeUsage ?? true,
      fetch: options.fetch,
    });
    super({
      modelName: options.modelName,
      model: provider.chatModel(options.modelId),
      timeouts: options.timeouts,
      priceTable: options.priceTable,
      contextWindow: options.contextWindow,
    });
  }
}

function providerName(modelName: string): string {
  const slash = modelName.indexOf('/');
  return slash > 0 ? modelName.slice(0, slash) : 'openai-compatible';
}
