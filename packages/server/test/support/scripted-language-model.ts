/**
 * A `LanguageModel` that plays a script, one entry per call: the parts to yield, then (optionally)
 * an error to throw. It records each call's request and signal. For unit tests of code that wraps
 * a model (retries, logging); provider behaviour is tested against `fake-llm-server.ts` instead.
 */
import { collectCompletion } from '../../src/llm/collect-completion.js';
import type {
  LanguageModel,
  LanguageModelCallOptions,
  LanguageModelPart,
  LanguageModelRequest,
  TokenUsage,
} from '../../src/llm/language-model.js';

export interface ScriptedCall {
  readonly parts?: readonly LanguageModelPart[];
  /** Thrown after the parts. */
  readonly error?: unknown;
}

export interface RecordedCall {
  readonly request: LanguageModelRequest;
  readonly signal: AbortSignal | undefined;
}

export class ScriptedLanguageModel implements LanguageModel {
  readonly modelName: string;
  readonly calls: RecordedCall[] = [];
  readonly #script: ScriptedCall[];

  constructor(script: readonly ScriptedCall[], modelName = 'scripted/model') {
    this.#script = [...script];
    this.modelName = modelName;
  }

  async *stream(
    request: LanguageModelRequest,
    options: LanguageModelCallOptions = {},
  ): AsyncGenerator<LanguageModelPart, void, undefined> {
    this.calls.push({ request, signal: options.signal });
    const next = this.#script.shift();
    if (next === undefined) throw new Error('ScriptedLanguageModel: the script has no more calls');
    for (const part of next.parts ?? []) {
      await Promise.resolve();
      yield part;
    }
    if (next.error !== undefined) throw next.error;
  }

  complete(request: LanguageModelRequest, options: LanguageModelCallOptions = {}) {
    return collectCompletion(this.stream(request, options));
  }
}

const usage: TokenUsage = {
  promptTokens: 10,
  completionTokens: 5,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

/** The parts of a successful answer `text`, ending with `usage` and `finish`. */
export function answerParts(text: string, model = 'scripted/model'): LanguageModelPart[] {
  return [
    { type: 'text-delta', text },
    { type: 'usage', usage, cost: 0.001 },
    {
      type: 'finish',
      reason: 'stop',
      metrics: {
        model,
        responseId: 'response-1',
        usage,
        cost: 0.001,
        latencyMs: 12,
        timeToFirstTokenMs: 3,
        contextWindow: 0,
      },
    },
  ];
}
