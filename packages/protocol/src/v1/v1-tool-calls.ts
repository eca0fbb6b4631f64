/**
 * A V1 frame's tool call, read back from the V0 entry's `tool_call_metadata` (the provider's
 * response is stored there, so the call comes back as the model wrote it).
 */
import type { ToolCallMetadata } from '../v0/tool-call-metadata.js';
import type { V1ToolCall } from './v1-events.js';

/** The tool's name and call id, when the entry came from a tool call. */
export function toolIdentity(metadata: ToolCallMetadata | undefined): {
  tool_name?: string;
  tool_call_id?: string;
} {
  if (metadata === undefined) return {};
  return { tool_name: metadata.function_name, tool_call_id: metadata.tool_call_id };
}

/**
 * The call as the model wrote it: its arguments text from the stored provider response when the
 * call is found there, else the action's own fields as JSON.
 */
export function toolCall(metadata: ToolCallMetadata, fallbackArguments: object): V1ToolCall {
  return {
    id: metadata.tool_call_id,
    name: metadata.function_name,
    arguments:
      storedArguments(metadata.model_response, metadata.tool_call_id) ??
      JSON.stringify(fallbackArguments),
    origin: 'completion',
  };
}

/** The id of the provider response that made the call, when the stored response has one. */
export function llmResponseId(metadata: ToolCallMetadata): string | undefined {
  return stringField(metadata.model_response, 'id');
}

/** `choices[].message.tool_calls[]` of an OpenAI-style response, read defensively. */
function storedArguments(
  response: Readonly<Record<string, unknown>>,
  toolCallId: string,
): string | undefined {
  for (const choice of arrayField(response, 'choices')) {
    const message = objectField(choice, 'message');
    for (const call of arrayField(message, 'tool_calls')) {
      if (stringField(call, 'id') !== toolCallId) continue;
      const text = stringField(objectField(call, 'function'), 'arguments');
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

function objectField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function arrayField(value: unknown, key: string): readonly unknown[] {
  const field = objectField(value, key);
  return Array.isArray(field) ? field : [];
}

function stringField(value: unknown, key: string): string | undefined {
  const field = objectField(value, key);
  return typeof field === 'string' ? field : undefined;
}
