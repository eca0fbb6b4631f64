import {
  isAction,
  isObservation,
  type ActionEvent,
  type ObservationEvent,
  type ToolCallMetadata,
} from '@parley/protocol';
import type { StoredEvent } from '../../events/event-store.js';
import type {
  AssistantMessage,
  ImageContent,
  JsonValue,
  LanguageModelMessage,
  TextContent,
  ToolCallContent,
} from '../../llm/language-model.js';

export interface HistoryOptions {
  systemPrompt: string;
  /** The model's input window in tokens; history is cut to fit about 80 % of it. */
  contextWindowTokens: number;
  /** User messages queued for a later turn: left out of this turn's history. */
  pendingMessageIds?: ReadonlySet<number>;
}

/** What one model response's tool calls look like inside `tool_call_metadata.model_response`. */
interface StoredResponse {
  content: string;
  toolCalls: { id: string; name: string; arguments: string }[];
}

const interruptedResult = 'No result: the call was interrupted before it finished.';

/**
 * Turns a conversation's log into the messages of the next LLM call. A user message is placed
 * where its turn began (the `running` state event whose `cause` is its id), so messages queued
 * during a turn follow that turn's answer. Tool calls are rebuilt from `tool_call_metadata` and
 * paired with their results; a call left without one (a stopped turn) gets a short placeholder.
 * Oldest turns are dropped when the estimate exceeds the window; the system prompt and the latest
 * user message's turn are always kept.
 */
export function buildHistory(
  events: readonly StoredEvent[],
  options: HistoryOptions,
): LanguageModelMessage[] {
  const pending = options.pendingMessageIds ?? new Set<number>();
  const userMessagesById = new Map<number, ActionEvent>();
  const placedAt = new Map<number, number>();
  for (const event of events) {
    if (isAction(event) && event.action === 'message' && event.source === 'user') {
      userMessagesById.set(event.id, event);
    }
    if (
      isObservation(event) &&
      event.observation === 'agent_state_changed' &&
      event.extras.agent_state === 'running' &&
      event.cause !== undefined
    ) {
      placedAt.set(event.id, event.cause);
    }
  }
  const placedIds = new Set(placedAt.values());
  const builder = new MessageBuilder();
  for (const event of events) {
    const placed = placedAt.get(event.id);
    if (placed !== undefined) {
      const message = userMessagesById.get(placed);
      if (message !== undefined) builder.addUser(message);
      continue;
    }
    if (isAction(event)) {
      if (event.action === 'message' && event.source === 'user') {
        if (!placedIds.has(event.id) && !pending.has(event.id)) builder.addUser(event);
        continue;
      }
      if (event.tool_call_metadata !== undefined) {
        builder.addToolCalls(event.tool_call_metadata);
        continue;
      }
      if (event.action === 'message' && event.source === 'agent') {
        builder.addAssistantText(event.args.content);
      }
      continue;
    }
    if (isObservation(event) && event.tool_call_metadata !== undefined) {
      builder.addToolResult(event, event.tool_call_metadata);
    }
  }
  return fitToWindow(options.systemPrompt, builder.finish(), options.contextWindowTokens);
}

class MessageBuilder {
  readonly messages: LanguageModelMessage[] = [];
  readonly #emittedCalls = new Set<string>();
  readonly #awaiting = new Map<string, string>();

  addUser(event: ActionEvent): void {
    if (event.action !== 'message') return;
    this.#closeCalls();
    const images = (event.args.image_urls ?? []).map((url): ImageContent => ({
      type: 'image',
      url,
    }));
    this.messages.push({
      role: 'user',
      content:
        images.length === 0
          ? event.args.content
          : [{ type: 'text', text: event.args.content } satisfies TextContent, ...images],
    });
  }

  addAssistantText(text: string): void {
    if (text === '') return;
    this.#closeCalls();
    this.messages.push({ role: 'assistant', content: text });
  }

  addToolCalls(metadata: ToolCallMetadata): void {
    if (this.#emittedCalls.has(metadata.tool_call_id)) return;
    this.#closeCalls();
    const response = readResponse(metadata);
    const parts: (TextContent | ToolCallContent)[] = [];
    if (response.content !== '') parts.push({ type: 'text', text: response.content });
    for (const call of response.toolCalls) {
      this.#emittedCalls.add(call.id);
      this.#awaiting.set(call.id, call.name);
      parts.push({
        type: 'tool-call',
        toolCallId: call.id,
        toolName: call.name,
        input: jsonArguments(call.arguments),
      });
    }
    const message: AssistantMessage = { role: 'assistant', content: parts };
    this.messages.push(message);
  }

  addToolResult(event: ObservationEvent, metadata: ToolCallMetadata): void {
    if (!this.#awaiting.has(metadata.tool_call_id)) return;
    this.#awaiting.delete(metadata.tool_call_id);
    this.messages.push({
      role: 'tool',
      toolCallId: metadata.tool_call_id,
      toolName: metadata.function_name,
      content: toolResultText(event),
      ...(event.observation === 'error' ? { isError: true } : {}),
    });
  }

  finish(): LanguageModelMessage[] {
    this.#closeCalls();
    return this.messages;
  }

  /** Gives every call still waiting a result, so the next message is valid for every provider. */
  #closeCalls(): void {
    for (const [toolCallId, toolName] of this.#awaiting) {
      this.messages.push({
        role: 'tool',
        toolCallId,
        toolName,
        content: toolName === 'finish' ? 'Finished.' : interruptedResult,
      });
    }
    this.#awaiting.clear();
  }
}

/**
 * What the model reads of an observation: its content; for a command (upstream's
 * `to_agent_observation`), the prefix and suffix around the output and the working directory.
 */
function toolResultText(event: ObservationEvent): string {
  if (event.observation !== 'run') return event.content;
  const metadata = event.extras.metadata;
  const directory =
    typeof metadata?.working_dir === 'string' && metadata.working_dir !== ''
      ? `\n[Current working directory: ${metadata.working_dir}]`
      : '';
  return `${metadata?.prefix ?? ''}${event.content}${metadata?.suffix ?? ''}${directory}`;
}

/** Builds the `model_response` kept in `tool_call_metadata` (a small litellm-like dump). */
export function modelResponseDump(
  responseId: string,
  model: string,
  content: string,
  toolCalls: readonly { toolCallId: string; toolName: string; input: string }[],
): Record<string, unknown> {
  return {
    id: responseId,
    model,
    choices: [
      {
        index: 0,
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant',
          content: content === '' ? null : content,
          tool_calls: toolCalls.map((call) => ({
            id: call.toolCallId,
            type: 'function',
            function: { name: call.toolName, arguments: call.input },
          })),
        },
      },
    ],
  };
}

function readResponse(metadata: ToolCallMetadata): StoredResponse {
  const fallback: StoredResponse = {
    content: '',
    toolCalls: [{ id: metadata.tool_call_id, name: metadata.function_name, arguments: '{}' }],
  };
  const choices = metadata.model_response['choices'];
  if (!Array.isArray(choices)) return fallback;
  const message = (choices[0] as { message?: unknown } | undefined)?.message as
    { content?: unknown; tool_calls?: unknown } | undefined;
  if (message === undefined || !Array.isArray(message.tool_calls)) return fallback;
  const toolCalls = (message.tool_calls as unknown[]).flatMap((call) => {
    const { id, function: fn } = call as { id?: unknown; function?: unknown };
    const { name, arguments: args } = (fn ?? {}) as { name?: unknown; arguments?: unknown };
    if (typeof id !== 'string' || typeof name !== 'string') return [];
    return [{ id, name, arguments: typeof args === 'string' ? args : '{}' }];
  });
  if (!toolCalls.some((call) => call.id === metadata.tool_call_id)) return fallback;
  return { content: typeof message.content === 'string' ? message.content : '', toolCalls };
}

function jsonArguments(text: string): JsonValue {
  try {
    const parsed = JSON.parse(text) as JsonValue;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** About four characters per token: enough to keep a request inside the window. */
export function estimateTokens(message: LanguageModelMessage): number {
  return Math.ceil(JSON.stringify(message.content).length / 4) + 4;
}

function fitToWindow(
  systemPrompt: string,
  messages: LanguageModelMessage[],
  contextWindowTokens: number,
): LanguageModelMessage[] {
  const system: LanguageModelMessage = { role: 'system', content: systemPrompt };
  const budget = Math.floor(contextWindowTokens * 0.8);
  let total = messages.reduce((sum, message) => sum + estimateTokens(message), 0);
  total += estimateTokens(system);
  // Turns start at user messages; the last one (the message being answered) is never dropped.
  const turnStarts = messages.flatMap((message, index) => (message.role === 'user' ? [index] : []));
  const lastTurn = turnStarts.at(-1) ?? messages.length;
  let start = 0;
  for (const next of [...turnStarts.filter((index) => index > 0), lastTurn]) {
    if (total <= budget || next > lastTurn) break;
    for (let index = start; index < next; index++) {
      total -= estimateTokens(messages[index] as LanguageModelMessage);
    }
    start = next;
    if (next === lastTurn) break;
  }
  return [system, ...messages.slice(start)];
}
