/** Collects a part stream into a `Completion`; what every `LanguageModel.complete` does. */
import {
  zeroUsage,
  type CallMetrics,
  type Completion,
  type FinishReason,
  type LanguageModelPart,
  type ToolCallResult,
  type TokenUsage,
} from './language-model.js';
import { LlmEmptyResponseError } from './llm-errors.js';

export async function collectCompletion(
  parts: AsyncIterable<LanguageModelPart>,
): Promise<Completion> {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCallResult[] = [];
  let usage: TokenUsage = zeroUsage;
  let finish: { reason: FinishReason; metrics: CallMetrics } | undefined;
  for await (const part of parts) {
    switch (part.type) {
      case 'text-delta':
        text += part.text;
        break;
      case 'reasoning-delta':
        reasoning += part.text;
        break;
      case 'tool-call':
        toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
        break;
      case 'usage':
        usage = part.usage;
        break;
      case 'finish':
        finish = { reason: part.reason, metrics: part.metrics };
        break;
    }
  }
  if (finish === undefined)
    throw new LlmEmptyResponseError('The LLM stream ended without finishing');
  return {
    text,
    reasoning,
    toolCalls,
    finishReason: finish.reason,
    usage,
    metrics: finish.metrics,
  };
}
