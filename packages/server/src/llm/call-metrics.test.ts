import { describe, expect, it } from 'vitest';
import { withCallMetrics, type LlmMetricsRecorder } from './call-metrics.js';
import type { LanguageModel, LanguageModelPart } from './language-model.js';
import { LlmTimeoutError } from './llm-errors.js';

function recorder(): LlmMetricsRecorder & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    recordLlmCall: (labels) => calls.push(['call', labels.outcome]),
    recordLlmRetry: () => calls.push(['retry']),
    recordLlmCost: (_labels, usd) => calls.push(['cost', usd]),
    recordLlmTokens: (labels, count) => calls.push(['tokens', labels.kind, count]),
  };
}

const finish: LanguageModelPart = {
  type: 'finish',
  reason: 'stop',
  metrics: {
    model: 'openai/x',
    responseId: 'r',
    usage: {
      promptTokens: 10,
      completionTokens: 2,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
    cost: 0.25,
    latencyMs: 5,
    timeToFirstTokenMs: 1,
    contextWindow: 0,
  },
};

function fakeModel(behaviour: 'retry-then-finish' | 'timeout'): LanguageModel {
  const model: LanguageModel = {
    modelName: 'openai/x',
    async *stream(_request, options) {
      if (behaviour === 'timeout') throw new LlmTimeoutError('idle', 10);
      options?.onRetry?.({ attempt: 2, maxAttempts: 5, waitMs: 0, error: new Error('503') });
      yield { type: 'text-delta', text: 'hi' };
      yield finish;
    },
    complete: () => Promise.reject(new Error('unused')),
  };
  return model;
}

describe('withCallMetrics', () => {
  it('records retries, the successful call, its cost and non-zero token counts, and forwards onRetry', async () => {
    const metrics = recorder();
    const heard: number[] = [];
    const model = withCallMetrics(fakeModel('retry-then-finish'), {
      recorder: metrics,
      provider: 'openai-compatible',
    });
    await model.complete(
      { messages: [{ role: 'user', content: 'x' }] },
      { onRetry: (retry) => heard.push(retry.attempt) },
    );
    expect(heard).toEqual([2]);
    expect(metrics.calls).toEqual([
      ['retry'],
      ['call', 'success'],
      ['cost', 0.25],
      ['tokens', 'prompt', 10],
      ['tokens', 'completion', 2],
    ]);
  });

  it('records a timeout as its own outcome and rethrows', async () => {
    const metrics = recorder();
    const model = withCallMetrics(fakeModel('timeout'), { recorder: metrics, provider: 'x' });
    await expect(
      model.complete({ messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(LlmTimeoutError);
    expect(metrics.calls).toEqual([['call', 'timeout']]);
  });
});
