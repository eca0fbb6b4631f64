/**
 * The seam between the conversation layer and every model: requests in, typed parts out. Providers
 * (`OpenAiCompatibleModel`, `AnthropicModel`, `DemoModel`) implement `LanguageModel`; retries,
 * logging and metrics wrap it without changing its shape.
 */

export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface TextContent {
  readonly type: 'text';
  readonly text: string;
}

/** An image given as an `https:`/`http:` URL or a `data:` URL (base64). */
export interface ImageContent {
  readonly type: 'image';
  readonly url: string;
  /** For example `image/png`; guessed from a data URL when absent. */
  readonly mediaType?: string;
}

export interface ToolCallContent {
  readonly type: 'tool-call';
  readonly toolCallId: string;
  readonly toolName: string;
  /** The arguments as the model produced them (a JSON object). */
  readonly input: JsonValue;
}

export interface SystemMessage {
  readonly role: 'system';
  readonly content: string;
}

export interface UserMessage {
  readonly role: 'user';
  readonly content: string | readonly (TextContent | ImageContent)[];
}

export interface AssistantMessage {
  readonly role: 'assistant';
  readonly content: string | readonly (TextContent | ToolCallContent)[];
}

export interface ToolResultMessage {
  readonly role: 'tool';
  readonly toolCallId: string;
  readonly toolName: string;
  readonly content: string | readonly (TextContent | ImageContent)[];
  readonly isError?: boolean;
}

export type LanguageModelMessage =
  SystemMessage | UserMessage | AssistantMessage | ToolResultMessage;

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters: { readonly [key: string]: JsonValue };
}

export interface LanguageModelRequest {
  readonly messages: readonly LanguageModelMessage[];
  readonly tools?: readonly ToolDefinition[];
  /** Upstream's default is 0. */
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxOutputTokens?: number;
  readonly seed?: number;
  readonly stopSequences?: readonly string[];
}

export interface TokenUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  readonly reasoningTokens: number;
}

/** What one successful call cost and how it went (carried by the `finish` part). */
export interface CallMetrics {
  /** `provider/model` as configured. */
  readonly model: string;
  /** The provider's response id, or `unknown` when it sent none. */
  readonly responseId: string;
  readonly usage: TokenUsage;
  /** Dollars; `undefined` when neither the endpoint nor the price table knows. */
  readonly cost: number | undefined;
  /** Request start to the end of the stream, in ms. */
  readonly latencyMs: number;
  /** Request start to the first visible output, in ms; `undefined` when there was none. */
  readonly timeToFirstTokenMs: number | undefined;
  /** The model's input window when known, else 0. */
  readonly contextWindow: number;
}

/** Why the model stopped: upstream/OpenAI vocabulary. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'other';

/** What `stream` yields. Text, reasoning and tool calls are "visible output". */
export type LanguageModelPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'reasoning-delta'; readonly text: string }
  | {
      readonly type: 'tool-call';
      readonly toolCallId: string;
      readonly toolName: string;
      /** The arguments exactly as streamed (a JSON text). */
      readonly input: string;
    }
  | { readonly type: 'usage'; readonly usage: TokenUsage; readonly cost: number | undefined }
  | { readonly type: 'finish'; readonly reason: FinishReason; readonly metrics: CallMetrics };

export function isVisiblePart(part: LanguageModelPart): boolean {
  return part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-call';
}

/** "attempt n of max": called before each retry, after the failed attempt `attempt - 1`. */
export type RetryListener = (retry: {
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly waitMs: number;
  readonly error: unknown;
}) => void;

export interface LanguageModelCallOptions {
  /** Aborting ends the call at once: the HTTP request is closed, a retry sleep ends. */
  readonly signal?: AbortSignal;
  /** Hears each retry (the conversation layer turns it into `STATUS$LLM_RETRY`). */
  readonly onRetry?: RetryListener;
}

export interface ToolCallResult {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly input: string;
}

/** Everything one call produced, collected. */
export interface Completion {
  readonly text: string;
  readonly reasoning: string;
  readonly toolCalls: readonly ToolCallResult[];
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
  readonly metrics: CallMetrics;
}

export interface LanguageModel {
  /** `provider/model` as configured, for example `openai/gpt-4o` or `demo`. */
  readonly modelName: string;
  /**
   * Streams one call. The iterable rejects with an `LlmError` (or `LlmCancelledError` when the
   * signal fires); it always ends with a `finish` part when it succeeds.
   */
  stream(
    request: LanguageModelRequest,
    options?: LanguageModelCallOptions,
  ): AsyncIterable<LanguageModelPart>;
  /** Runs `stream` and collects its parts. */
  complete(request: LanguageModelRequest, options?: LanguageModelCallOptions): Promise<Completion>;
}

export const zeroUsage: TokenUsage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});
