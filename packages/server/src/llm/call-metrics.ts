/**
 * Counts every call into the process metrics (`/metrics`): calls by outcome, retries, cost and
 * tokens. The recorder is a structural subset of `shared/metrics.ts`'s `Metrics`, so the LLM layer
 * stays free of prom-client and tests can pass a plain object.
 */
import { AbortedError } from '../shared/errors.js';
import type {
  LanguageModel,
  LanguageModelCallOptions,
  LanguageModelPart,
  LanguageModelRequest,
} from './language-model.js';
import { LlmTimeoutError } from './llm-errors.js';
import { collectCompletion } from './collect-completion.js';

type Labels = { provider: string; model: string };
type TokenKind = 'prompt' | 'completion' | 'cache_read' | 'cache_write' | 'reasoning';

export interface LlmMetricsRecorder {
  recordLlmCall(labels: Labels & { outcome: 'success' | 'error' | 'aborted' | 'timeout' }): void;
  recordLlmRetry(labels: Labels): void;
  recordLlmCost(labels: Labels, usd: number): void;
  recordLlmTokens(labels: Labels & { kind: TokenKind }, count: number): void;
}

export function withCallMetrics(
  model: LanguageModel,
  options: { recorder: LlmMetricsRecorder; provider: string },
): LanguageModel {
  const labels: Labels = { provider: options.provider, model: model.modelName };
  const { recorder } = options;

  async function* stream(
    request: LanguageModelRequest,
    callOptions: LanguageModelCallOptions = {},
  ): AsyncGenerator<LanguageModelPart, void, undefined> {
    const onRetry = callOptions.onRetry;
    const observed: LanguageModelCallOptions = {
      ...callOptions,
      onRetry: (retry) => {
        recorder.recordLlmRetry(labels);
        onRetry?.(retry);
      },
    };
    try {
      for await (const part of model.stream(request, observed)) {
        if (part.type === 'finish') {
          const { usage, cost } = part.metrics;
          recorder.recordLlmCall({ ...labels, outcome: 'success' });
          if (cost !== undefined && cost > 0) recorder.recordLlmCost(labels, cost);
          const counts: [TokenKind, number][] = [
            ['prompt', usage.promptTokens],
            ['completion', usage.completionTokens],
            ['cache_read', usage.cacheReadTokens],
            ['cache_write', usage.cacheWriteTokens],
            ['reasoning', usage.reasoningTokens],
          ];
          for (const [kind, count] of counts) {
            if (count > 0) recorder.recordLlmTokens({ ...labels, kind }, count);
          }
        }
        yield part;
      }
    } catch (error) {
      recorder.recordLlmCall({ ...labels, outcome: outcomeOf(error) });
      throw error;
    }
  }

  const measured: LanguageModel = {
    modelName: model.modelName,
    stream,
    complete: (request, callOptions = {}) =>
      collectCompletion(measured.stream(request, callOptions)),
  };
  return measured;
}

function outcomeOf(error: unknown): 'error' | 'aborted' | 'timeout' {
  if (error instanceof AbortedError) return 'aborted';
  if (error instanceof LlmTimeoutError) return 'timeout';
  if (error instanceof Error && error.cause instanceof LlmTimeoutError) return 'timeout';
  return 'error';
}
