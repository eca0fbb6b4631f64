/**
 * The factory the composition root builds once: it turns model settings (the server's defaults,
 * or a user's as `chooseModelSettings` resolved them) into a ready `LanguageModel` with retries,
 * timeouts, pricing and logging applied.
 */
import { join } from 'node:path';
import type { Logger } from '../shared/logger.js';
import { withCallLogging } from './call-logging.js';
import { withCallMetrics, type LlmMetricsRecorder } from './call-metrics.js';
import { DemoModel } from './demo/demo-model.js';
import type { LanguageModel } from './language-model.js';
import { defaultPriceTable, type PriceTable } from './price-table.js';
import { AnthropicModel } from './providers/anthropic/anthropic-model.js';
import { defaultLlmTimeouts, type LlmTimeouts } from './providers/ai-sdk/ai-sdk-model.js';
import { OpenAiCompatibleModel } from './providers/openai-compatible/openai-compatible-model.js';
import type { ModelSettings } from './model-settings.js';
import { resolveModel } from './resolve-model.js';
import { upstreamRetryPolicy, withRetry, type RetryPolicy, type Sleep } from './retry.js';

export interface LanguageModelsOptions {
  /** The server's default model, key and base URL (LLM_MODEL, LLM_API_KEY, LLM_BASE_URL). */
  readonly defaults: ModelSettings;
  readonly logger: Logger;
  readonly retry?: RetryPolicy;
  readonly timeouts?: LlmTimeouts;
  /** Merged over the built-in price table; keys are bare ids or `provider/id`. */
  readonly priceOverrides?: PriceTable;
  readonly demoTokenDelayMs?: number;
  /** Set to write one JSON file per call there (LOG_COMPLETIONS). */
  readonly completionLogDirectory?: string;
  /** Replaces the retry sleep (tests). */
  readonly sleep?: Sleep;
  /** Replaces the global `fetch` for provider calls (tests, proxies). */
  readonly fetch?: typeof fetch;
  /** Counts calls, retries, cost and tokens into the process metrics. */
  readonly metrics?: LlmMetricsRecorder;
}

export class LanguageModels {
  readonly defaults: ModelSettings;
  readonly #options: LanguageModelsOptions;
  readonly #priceTable: PriceTable;

  constructor(options: LanguageModelsOptions) {
    this.#options = options;
    this.defaults = options.defaults;
    this.#priceTable = { ...defaultPriceTable, ...options.priceOverrides };
  }

  /**
   * The model for `settings` exactly as given (the server's defaults when omitted): nothing is
   * inherited here, so a caller resolves a user's choice with `chooseModelSettings` first. Throws
   * `LlmModelUnknownError` for a name no provider serves.
   */
  create(settings: ModelSettings = this.defaults): LanguageModel {
    const resolved = resolveModel(settings);
    const options = this.#options;
    const logger = options.logger.child({ module: 'llm', model: resolved.modelName });
    if (resolved.provider === 'demo') {
      const demo = withCallLogging(new DemoModel({ tokenDelayMs: options.demoTokenDelayMs }), {
        logger,
        completionLogDirectory: options.completionLogDirectory,
      });
      return this.#measured(demo, 'demo');
    }
    const providerOptions = {
      modelName: resolved.modelName,
      modelId: resolved.modelId,
      baseUrl: resolved.baseUrl,
      apiKey: resolved.apiKey,
      timeouts: options.timeouts ?? defaultLlmTimeouts,
      priceTable: this.#priceTable,
      fetch: options.fetch,
    };
    const provider =
      resolved.provider === 'anthropic'
        ? new AnthropicModel(providerOptions)
        : new OpenAiCompatibleModel(providerOptions);
    const retrying = withRetry(provider, {
      policy: options.retry ?? upstreamRetryPolicy,
      sleep: options.sleep,
      logger,
    });
    const logged = withCallLogging(retrying, {
      logger,
      secrets: resolved.apiKey === undefined ? [] : [resolved.apiKey],
      completionLogDirectory: options.completionLogDirectory,
    });
    return this.#measured(logged, resolved.provider);
  }

  #measured(model: LanguageModel, provider: string): LanguageModel {
    const recorder = this.#options.metrics;
    return recorder === undefined ? model : withCallMetrics(model, { recorder, provider });
  }
}

/** The LLM part of the configuration, as `Config['llm']` holds it (typed here structurally). */
export interface LlmSettings extends ModelSettings {
  readonly retry: RetryPolicy;
  readonly timeouts: LlmTimeouts;
  readonly logCompletions: boolean;
  readonly demoTokenDelayMs: number;
  readonly priceOverrides: PriceTable;
}

export interface LanguageModelsDependencies {
  readonly logger: Logger;
  /** Completion logs go to `<dataDirectory>/completions/` when `logCompletions` is set. */
  readonly dataDirectory: string;
  readonly sleep?: Sleep;
  readonly fetch?: typeof fetch;
  readonly metrics?: LlmMetricsRecorder;
}

/** What the composition root calls: `createLanguageModels(config.llm, { logger, dataDirectory })`. */
export function createLanguageModels(
  settings: LlmSettings,
  dependencies: LanguageModelsDependencies,
): LanguageModels {
  return new LanguageModels({
    defaults: { model: settings.model, apiKey: settings.apiKey, baseUrl: settings.baseUrl },
    logger: dependencies.logger,
    retry: settings.retry,
    timeouts: settings.timeouts,
    priceOverrides: settings.priceOverrides,
    demoTokenDelayMs: settings.demoTokenDelayMs,
    completionLogDirectory: settings.logCompletions
      ? join(dependencies.dataDirectory, 'completions')
      : undefined,
    sleep: dependencies.sleep,
    fetch: dependencies.fetch,
    metrics: dependencies.metrics,
  });
}
