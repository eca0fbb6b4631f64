/**
 * A model response's tool calls, one after another: each is logged as its action (awaiting the
 * user's confirmation first in confirmation mode), run with its output streamed as deltas, and
 * answered by its observation (`cause` = the action). Split from the turn runner.
 */
import {
  errorObservation,
  type ActionEvent,
  type ObservationEvent,
  type ToolCallMetadata,
} from '@parley/protocol';
import type { StoredEvent } from '../../events/event-store.js';
import { modelResponseDump } from './conversation-history.js';
import { outputDeltas } from './output-deltas.js';
import { parseToolArguments, type AgentTool } from './tool-registry.js';
import type { StepResponse, TurnContext } from './turn-context.js';

type ToolCall = StepResponse['toolCalls'][number];

/** Logs and runs each call; resolves true when the model called `finish`. */
export async function runToolCalls(context: TurnContext, response: StepResponse): Promise<boolean> {
  const dump = modelResponseDump(
    response.responseId,
    context.model.modelName,
    response.text,
    response.toolCalls,
  );
  const metadataFor = (call: ToolCall): ToolCallMetadata => ({
    function_name: call.toolName,
    tool_call_id: call.toolCallId,
    model_response: dump,
    total_calls_in_response: response.toolCalls.length,
  });
  const first = response.toolCalls[0] as ToolCall;
  if (response.text !== '') {
    await context.append([
      {
        source: 'agent',
        message: response.text,
        action: 'message',
        args: { content: response.text, file_urls: [], image_urls: [], wait_for_response: false },
        tool_call_metadata: metadataFor(first),
        llm_metrics: context.metrics.toJSON(),
      } as ActionEvent,
    ]);
  }
  let finished = false;
  for (const call of response.toolCalls) {
    if (context.signal.aborted) return false;
    const metadata = metadataFor(call);
    const tool = context.tools.get(call.toolName);
    const args = parseToolArguments(call.input);
    if (tool === undefined || typeof args === 'string') {
      const reason =
        tool === undefined
          ? `The tool "${call.toolName}" does not exist. Available tools: ${context.tools.definitions.map((definition) => definition.name).join(', ')}.`
          : `The call of "${call.toolName}" was not run: ${args}.`;
      await context.append([
        { ...errorObservation(reason), source: 'agent', tool_call_metadata: metadata },
      ]);
      continue;
    }
    const metrics =
      call === first && response.text === '' ? { llm_metrics: context.metrics.toJSON() } : {};
    const outcome = await runOne(context, tool, args, metadata, metrics);
    if (outcome === 'stopped') return false;
    if (outcome === 'finished') finished = true;
  }
  return finished;
}

async function runOne(
  context: TurnContext,
  tool: AgentTool,
  args: Record<string, unknown>,
  metadata: ToolCallMetadata,
  metrics: { llm_metrics?: ReturnType<TurnContext['metrics']['toJSON']> },
): Promise<'done' | 'finished' | 'stopped'> {
  const confirm = context.settings.confirmationMode && tool.needsConfirmation === true;
  const logged = tool.action(args);
  const action = {
    ...logged,
    ...(confirm ? { args: { ...logged.args, confirmation_state: 'awaiting_confirmation' } } : {}),
    source: 'agent',
    tool_call_metadata: metadata,
    ...metrics,
  } as ActionEvent;
  const [stored] = await context.append([action]);
  if (stored === undefined) return 'stopped';
  if (confirm) {
    const answer = await context.awaitConfirmation(stored.id);
    if (!answer.accepted) {
      const reason = answer.reason === '' ? 'The user rejected this action.' : answer.reason;
      await context.append([
        {
          observation: 'user_rejected',
          content: `Action has been rejected by the user! Reason: ${reason}`,
          extras: {},
          source: 'user',
          cause: stored.id,
          tool_call_metadata: metadata,
        } as ObservationEvent,
      ]);
      return 'done';
    }
  }
  const observation = await runWithOutput(context, tool, args, stored);
  if (observation === undefined) return 'finished';
  await context.append([
    { ...observation, source: 'agent', cause: stored.id, tool_call_metadata: metadata },
  ]);
  return 'done';
}

async function runWithOutput(
  context: TurnContext,
  tool: AgentTool,
  args: Record<string, unknown>,
  action: StoredEvent,
): Promise<ObservationEvent | undefined> {
  const deltas = outputDeltas({
    actionId: action.id,
    intervalMs: context.settings.deltaIntervalMs,
    maxChars: context.settings.deltaMaxChars,
    append: (events) => context.append(events),
  });
  try {
    return await tool.run(args, { signal: context.signal, onOutput: deltas.onOutput });
  } finally {
    await deltas.finish();
  }
}
