/**
 * One attempt of a call through an AI SDK provider model (`doStream`, spec v3): our timeouts,
 * cancellation, error typing and metrics around the library's wire format. Retries are not done
 * here; `withRetry` wraps this.
 *
 * - connect: until the response headers arrive (for Anthropic, also its first event);
 * - first token: from then until the first text, reasoning or tool-call input;
 * - idle: between any two parts after that.
 * Each fires as a retryable `LlmTimeoutError`. Aborting the caller's signal, a timeout, or the
 * consumer leaving the loop aborts the HTTP request (the socket is closed at once).
 */
import { performance } from 'node:perf_hooks';
import type {
  LanguageModelV3,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { collectCompletion } from '../../collect-completion.js';
import { Deadline } from '../../deadline.js';
import type {
  FinishReason,
  LanguageModel,
  LanguageModelCallOptions,
  LanguageModelPart,
  LanguageModelRequest,
  TokenUsage,
} from '../../language-model.js';
import {
  LlmCancelledError,
  LlmConnectionError,
  LlmContentPolicyError,
  LlmEmptyResponseError,
  LlmTimeoutError,
  type LlmTimeoutPhase,
} from '../../llm-errors.js';
import {
  costOfUsage,
  findModelPrice,
  type ModelPrice,
  type PriceTable,
} from '../../price-table.js';
import { validateRequest } from '../../validate-request.js';
import { toCallOptions } from './to-call-options.js';
import { toLlmError } from './to-llm-error.js';

export interface LlmTimeouts {
  /** Until the response headers arrive, in ms; `Infinity` for none. */
  readonly connectMs: number;
  /** From the headers to the first token, in ms. */
  readonly firstTokenMs: number;
  /** Between chunks after the first token, in ms. */
  readonly idleMs: number;
}

export const defaultLlmTimeouts: LlmTimeouts = Object.freeze({
  connectMs: 30_000,
  firstTokenMs: 180_000,
  idleMs: 60_000,
});

export interface AiSdkModelOptions {
  /** `provider/model` as configured. */
  readonly modelName: string;
  readonly model: LanguageModelV3;
  readonly timeouts?: LlmTimeouts;
  /** Prices for cost when the endpoint reports none; default: no cost. */
  readonly priceTable?: PriceTable;
  /** The model's input window, reported in metrics (0 when unknown). */
  readonly contextWindow?: number;
}

/** The response header a LiteLLM proxy uses to report the call's cost in dollars. */
const costHeader = 'x-litellm-response-cost';

export class AiSdkModel implements LanguageModel {
  readonly modelName: string;
  readonly #model: LanguageModelV3;
  readonly #timeouts: LlmTimeouts;
  readonly #price: ModelPrice | undefined;
  readonly #contextWindow: number;

  constructor(options: AiSdkModelOptions) {
    this.modelName = options.modelName;
    this.#model = options.model;
    this.#timeouts = options.timeouts ?? defaultLlmTimeouts;
    this.#price =
      options.priceTable === undefined
        ? undefined
        : findModelPrice(options.modelName, options.priceTable);
    this.#contextWindow = options.contextWindow ?? 0;
  }

  complete(request: LanguageModelRequest, options: LanguageModelCallOptions = {}) {
    return collectCompletion(this.stream(request, options));
  }

  async *stream(
    request: LanguageModelRequest,
    options: LanguageModelCallOptions = {},
  ): AsyncGenerator<LanguageModelPart, void, undefined> {
    validateRequest(request);
    const { signal } = options;
    if (signal?.aborted === true) throw new LlmCancelledError(signal.reason);

    const controller = new AbortController();
    let failure: Error | undefined;
    let reader: ReadableStreamDefaultReader<LanguageModelV3StreamPart> | undefined;
    const stop = (reason: Error): void => {
      failure ??= reason;
      controller.abort(reason);
      reader?.cancel(reason).catch(() => undefined);
    };
    const onCallerAbort = (): void => stop(new LlmCancelledError(signal?.reason));
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    let phase: LlmTimeoutPhase = 'connect';
    const timeoutOf = {
      connect: this.#timeouts.connectMs,
      'first-token': this.#timeouts.firstTokenMs,
      idle: this.#timeouts.idleMs,
    };
    const deadline = new Deadline(() => stop(new LlmTimeoutError(phase, timeoutOf[phase])));
    let isComplete = false;

    const startedAt = performance.now();
    let firstOutputAt: number | undefined;
    let responseId: string | undefined;
    let hasOutput = false;
    let finish: { reason: LanguageModelV3FinishReason; usage: LanguageModelV3Usage } | undefined;
    try {
      deadline.extend(timeoutOf.connect);
      let result;
      try {
        result = await this.#model.doStream(toCallOptions(request, controller.signal));
      } catch (error) {
        throw failure ?? toLlmError(error);
      }
      phase = 'first-token';
      deadline.extend(timeoutOf['first-token']);
      reader = result.stream.getReader();
      if (failure !== undefined) throw failure;

      for (;;) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          throw failure ?? toLlmError(error);
        }
        if (next.done) break;
        const part = next.value;
        if (phase === 'idle') deadline.extend(timeoutOf.idle);
        else if (isTokenPart(part)) {
          phase = 'idle';
          deadline.extend(timeoutOf.idle);
        }
        switch (part.type) {
          case 'text-delta':
          case 'reasoning-delta':
            if (part.delta === '') break;
            firstOutputAt ??= performance.now();
            hasOutput = true;
            yield { type: part.type, text: part.delta };
            break;
          case 'tool-call':
            firstOutputAt ??= performance.now();
            hasOutput = true;
            yield {
              type: 'tool-call',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: part.input,
            };
            break;
          case 'response-metadata':
            responseId ??= part.id;
            break;
          case 'finish':
            finish = { reason: part.finishReason, usage: part.usage };
            break;
          case 'error':
            if (!isMissingFinishReason(part.error)) throw toLlmError(part.error);
            break;
          default:
            break;
        }
      }
      if (failure !== undefined) throw failure;
      if (
        finish === undefined ||
        (finish.reason.raw === undefined && finish.reason.unified === 'error')
      ) {
        throw hasOutput
          ? new LlmConnectionError('The LLM stream ended before it finished')
          : new LlmEmptyResponseError();
      }
      if (!hasOutput) {
        throw finish.reason.unified === 'content-filter'
          ? new LlmContentPolicyError('The LLM provider filtered the whole response')
          : new LlmEmptyResponseError();
      }
      const usage = toTokenUsage(finish.usage);
      const cost =
        reportedCost(result.response?.headers) ??
        (this.#price === undefined ? undefined : costOfUsage(usage, this.#price));
      isComplete = true;
      yield { type: 'usage', usage, cost };
      yield {
        type: 'finish',
        reason: toFinishReason(finish.reason),
        metrics: {
          model: this.modelName,
          responseId: responseId ?? 'unknown',
          usage,
          cost,
          latencyMs: performance.now() - startedAt,
          timeToFirstTokenMs: firstOutputAt === undefined ? undefined : firstOutputAt - startedAt,
          contextWindow: this.#contextWindow,
        },
      };
    } finally {
      deadline.clear();
      signal?.removeEventListener('abort', onCallerAbort);
      if (!isComplete) stop(new LlmCancelledError('the consumer stopped reading'));
    }
  }
}

function isTokenPart(part: LanguageModelV3StreamPart): boolean {
  switch (part.type) {
    case 'text-delta':
    case 'reasoning-delta':
    case 'tool-input-start':
    case 'tool-input-delta':
    case 'tool-call':
      return true;
    default:
      return false;
  }
}

/** The OpenAI-compatible provider reports a stream that ended without `finish_reason` this way. */
function isMissingFinishReason(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'AI_InvalidResponseDataError' &&
    /without a finish reason/i.test(error.message)
  );
}

function toFinishReason(reason: LanguageModelV3FinishReason): FinishReason {
  return reason.unified === 'error' ? 'other' : reason.unified;
}

function toTokenUsage(usage: LanguageModelV3Usage): TokenUsage {
  const raw = usage.raw as Record<string, unknown> | undefined;
  const rawCacheWrite = raw?.['cache_creation_input_tokens'];
  return {
    promptTokens: usage.inputTokens.total ?? 0,
    completionTokens: usage.outputTokens.total ?? 0,
    cacheReadTokens: usage.inputTokens.cacheRead ?? 0,
    cacheWriteTokens:
      usage.inputTokens.cacheWrite ?? (typeof rawCacheWrite === 'number' ? rawCacheWrite : 0),
    reasoningTokens: usage.outputTokens.reasoning ?? 0,
  };
}

function reportedCost(headers: Record<string, string | undefined> | undefined): number | undefined {
  const value = headers?.[costHeader];
  if (value === undefined) return undefined;
  const cost = Number(value);
  return Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}
