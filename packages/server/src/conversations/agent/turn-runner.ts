import type { ActionEvent } from '@parley/protocol';
import type { LanguageModelMessage, RetryListener } from '../../llm/language-model.js';
import { LlmRateLimitError } from '../../llm/llm-errors.js';
import { AbortedError } from '../../shared/errors.js';
import { buildHistory } from './conversation-history.js';
import { DeltaCoalescer } from './delta-coalescer.js';
import { turnFailureFor } from './llm-error-status.js';
import { runToolCalls } from './tool-calls.js';
import type { StepResponse, TurnContext } from './turn-context.js';

export type { TurnContext, TurnSettings } from './turn-context.js';

/** How a turn ended; `aborted` means it was stopped and must append nothing more. */
export type TurnOutcome =
  | { state: 'awaiting_user_input' | 'finished' }
  | { state: 'error'; reason: string }
  | { state: 'aborted' };

/**
 * One agent turn: call the model with the history, stream coalesced deltas into the log, then log
 * the answer with the conversation's `llm_metrics`; run tool calls through the registry and call
 * the model again, until it answers without tools, calls `finish`, or a limit is reached.
 */
export async function runTurn(context: TurnContext): Promise<TurnOutcome> {
  try {
    return await runSteps(context);
  } catch (error) {
    if (context.signal.aborted) return { state: 'aborted' };
    if (error instanceof AbortedError) return { state: 'aborted' };
    const failure = turnFailureFor(error);
    if (failure.statusId !== undefined) {
      context.sendStatus({ type: 'error', id: failure.statusId, message: failure.reason });
    }
    return { state: 'error', reason: failure.reason };
  }
}

async function runSteps(context: TurnContext): Promise<TurnOutcome> {
  const { settings, metrics, signal } = context;
  await context.tools.prepare(signal);
  for (let step = 1; ; step++) {
    if (step > settings.maxIterations) {
      return {
        state: 'error',
        reason: `Agent reached maximum iteration. Current iteration: ${step - 1}, max iteration: ${settings.maxIterations}`,
      };
    }
    const budget = settings.maxBudgetPerTask;
    if (budget !== null && metrics.accumulatedCost >= budget) {
      return {
        state: 'error',
        reason: `Agent reached maximum budget for conversation. Current budget: ${metrics.accumulatedCost.toFixed(2)}, max budget: ${budget.toFixed(2)}`,
      };
    }
    const history = buildHistory(await context.readLog(signal), {
      systemPrompt: settings.systemPrompt,
      contextWindowTokens: settings.contextWindowTokens,
      pendingMessageIds: context.pendingMessageIds(),
    });
    const response = await streamStep(context, history);
    if (signal.aborted) return { state: 'aborted' };
    if (response.toolCalls.length === 0) {
      await context.append([
        {
          source: 'agent',
          message: response.text,
          action: 'message',
          args: { content: response.text, file_urls: [], image_urls: [], wait_for_response: true },
          llm_metrics: metrics.toJSON(),
        } as ActionEvent,
      ]);
      return { state: 'awaiting_user_input' };
    }
    const finished = await runToolCalls(context, response);
    if (signal.aborted) return { state: 'aborted' };
    if (finished) return { state: 'finished' };
  }
}

async function streamStep(
  context: TurnContext,
  messages: readonly LanguageModelMessage[],
): Promise<StepResponse> {
  const { signal, settings } = context;
  const deltaAppends: Promise<unknown>[] = [];
  const coalescer = new DeltaCoalescer({
    intervalMs: settings.deltaIntervalMs,
    maxChars: settings.deltaMaxChars,
    flush: (chunk) => {
      const delta =
        chunk.reasoningContent === ''
          ? { content: chunk.content }
          : { content: chunk.content, reasoning_content: chunk.reasoningContent };
      deltaAppends.push(context.append([{ source: 'agent', streaming_delta: delta }]));
    },
  });
  const onRetry: RetryListener = (retry) => {
    context.sendStatus({
      type: 'info',
      id: 'STATUS$LLM_RETRY',
      message: `Retrying LLM request, ${retry.attempt - 1} / ${retry.maxAttempts}`,
    });
    if (retry.error instanceof LlmRateLimitError) context.setState('rate_limited');
  };
  const response: StepResponse = { text: '', responseId: 'unknown', toolCalls: [] };
  try {
    for await (const part of context.model.stream(
      { messages, tools: context.tools.definitions },
      { signal, onRetry },
    )) {
      if (context.currentState() === 'rate_limited') context.setState('running');
      switch (part.type) {
        case 'text-delta':
          response.text += part.text;
          coalescer.addText(part.text);
          break;
        case 'reasoning-delta':
          coalescer.addReasoning(part.text);
          break;
        case 'tool-call':
          response.toolCalls.push(part);
          break;
        case 'usage':
          break;
        case 'finish':
          context.metrics.addCall(part.metrics);
          response.responseId = part.metrics.responseId;
          break;
      }
    }
    coalescer.flush();
  } catch (error) {
    // Output that streamed before the failure stays in the log; nothing is repeated.
    if (signal.aborted) coalescer.discard();
    else coalescer.flush();
    throw error;
  } finally {
    await Promise.allSettled(deltaAppends);
  }
  return response;
}
