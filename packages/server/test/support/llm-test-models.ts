/**
 * Builds the real LLM stack (provider + retries + logging, as `LanguageModels` composes it) pointed
 * at a fake LLM server, with retry sleeps recorded instead of waited and short timeouts.
 */
import { createSilentLogger, type Logger } from '../../src/shared/logger.js';
import { AbortedError } from '../../src/shared/errors.js';
import type {
  LanguageModel,
  LanguageModelCallOptions,
  LanguageModelPart,
  LanguageModelRequest,
} from '../../src/llm/language-model.js';
import { LanguageModels } from '../../src/llm/language-models.js';
import type { LlmTimeouts } from '../../src/llm/providers/ai-sdk/ai-sdk-model.js';
import type { PriceTable } from '../../src/llm/price-table.js';
import type { RetryPolicy, Sleep } from '../../src/llm/retry.js';
import type { FakeLlmServer } from './fake-llm-server.js';

export type TestProtocol = 'openai' | 'anthropic';

export const testModelNames: Record<TestProtocol, string> = {
  openai: 'openai/gpt-4o',
  anthropic: 'anthropic/claude-sonnet-4-20250514',
};

export interface TestModelOptions {
  readonly retry?: Partial<RetryPolicy>;
  readonly timeouts?: Partial<LlmTimeouts>;
  readonly priceOverrides?: PriceTable;
  readonly logger?: Logger;
  readonly completionLogDirectory?: string;
  readonly apiKey?: string;
  /** Replace the recording sleep (for example with a real, abortable one). */
  readonly sleep?: Sleep;
}

export interface TestModel {
  readonly model: LanguageModel;
  /** Every retry wait the model asked for, in ms. */
  readonly waits: number[];
}

export function createTestModel(
  protocol: TestProtocol,
  server: FakeLlmServer,
  options: TestModelOptions = {},
): TestModel {
  const waits: number[] = [];
  const recordingSleep: Sleep = (milliseconds, { signal }) => {
    waits.push(milliseconds);
    return signal?.aborted === true ? Promise.reject(new AbortedError()) : Promise.resolve();
  };
  const languageModels = new LanguageModels({
    defaults: {
      model: testModelNames[protocol],
      apiKey: options.apiKey ?? 'sk-test-key-1234',
      baseUrl: server.baseUrl,
    },
    logger: options.logger ?? createSilentLogger(),
    retry: {
      maxAttempts: 5,
      minWaitMs: 8_000,
      maxWaitMs: 64_000,
      multiplierMs: 8_000,
      ...options.retry,
    },
    timeouts: { connectMs: 5_000, firstTokenMs: 5_000, idleMs: 5_000, ...options.timeouts },
    priceOverrides: options.priceOverrides,
    completionLogDirectory: options.completionLogDirectory,
    sleep: options.sleep ?? recordingSleep,
  });
  return { model: languageModels.create(), waits };
}

export interface DrainResult {
  readonly parts: LanguageModelPart[];
  readonly texts: string[];
  readonly error: unknown;
}

/** Reads a whole stream, keeping the parts and the error it ended with (if any). */
export async function drain(
  model: LanguageModel,
  request: LanguageModelRequest = { messages: [{ role: 'user', content: 'Hello?' }] },
  options: LanguageModelCallOptions = {},
): Promise<DrainResult> {
  const parts: LanguageModelPart[] = [];
  let error: unknown;
  try {
    for await (const part of model.stream(request, options)) parts.push(part);
  } catch (caught) {
    error = caught;
  }
  const texts = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : []));
  return { parts, texts, error };
}
