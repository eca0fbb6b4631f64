/**
 * Wire encoders for the fake LLM server: OpenAI Chat Completions (SSE chunks and the JSON body)
 * and Anthropic Messages (SSE events). Each returns ready-to-write strings.
 */

export interface FakeToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON text of the arguments, streamed in `argumentChunks` pieces (default 2). */
  readonly arguments: string;
}

export interface FakeUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
}

export type WireProtocol = 'openai' | 'anthropic';

/** One logical piece of a streamed answer, before encoding. */
export type WireChunk =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'reasoning'; readonly text: string }
  | { readonly kind: 'tool-call-start'; readonly index: number; readonly call: FakeToolCall }
  | { readonly kind: 'tool-call-arguments'; readonly index: number; readonly text: string };

export interface WireStreamContext {
  readonly responseId: string;
  readonly model: string;
  readonly usage: FakeUsage;
}

const sse = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;
const event = (name: string, data: unknown): string =>
  `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** OpenAI: one `chat.completion.chunk` per piece; Anthropic: content blocks opened as needed. */
export class WireEncoder {
  readonly #protocol: WireProtocol;
  readonly #context: WireStreamContext;
  #openBlock: { kind: string; index: number } | undefined;
  #blockCount = 0;

  constructor(protocol: WireProtocol, context: WireStreamContext) {
    this.#protocol = protocol;
    this.#context = context;
  }

  start(): string {
    if (this.#protocol === 'openai') return '';
    return event('message_start', {
      type: 'message_start',
      message: {
        id: this.#context.responseId,
        type: 'message',
        role: 'assistant',
        model: this.#context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens:
            this.#context.usage.promptTokens -
            (this.#context.usage.cacheReadTokens ?? 0) -
            (this.#context.usage.cacheWriteTokens ?? 0),
          output_tokens: 1,
          cache_read_input_tokens: this.#context.usage.cacheReadTokens ?? 0,
          cache_creation_input_tokens: this.#context.usage.cacheWriteTokens ?? 0,
        },
      },
    });
  }

  chunk(piece: WireChunk): string {
    return this.#protocol === 'openai' ? this.#openAiChunk(piece) : this.#anthropicChunk(piece);
  }

  /** The closing chunks: finish reason, usage, end marker. */
  finish(finishReason: string | undefined): string {
    const usage = this.#context.usage;
    if (this.#protocol === 'openai') {
      const finishChunk =
        finishReason === undefined
          ? ''
          : this.#openAiFrame([{ index: 0, delta: {}, finish_reason: finishReason }]);
      const usageChunk = sse({
        id: this.#context.responseId,
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: this.#context.model,
        choices: [],
        usage: {
          prompt_tokens: usage.promptTokens,
          completion_tokens: usage.completionTokens,
          total_tokens: usage.promptTokens + usage.completionTokens,
          prompt_tokens_details: { cached_tokens: usage.cacheReadTokens ?? 0 },
          completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
          ...(usage.cacheWriteTokens === undefined
            ? {}
            : { cache_creation_input_tokens: usage.cacheWriteTokens }),
        },
      });
      return `${finishChunk}${usageChunk}data: [DONE]\n\n`;
    }
    // Without a finish reason the message is cut off: no message_delta and no message_stop.
    if (finishReason === undefined) return this.#closeBlock();
    return (
      this.#closeBlock() +
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: finishReason, stop_sequence: null },
        usage: { output_tokens: usage.completionTokens },
      }) +
      event('message_stop', { type: 'message_stop' })
    );
  }

  /** A chunk that does not parse as JSON. */
  malformed(): string {
    return this.#protocol === 'openai'
      ? 'data: {"id": "broken", "choices": [\n\n'
      : 'event: content_block_delta\ndata: {"type": "content_block_delta", "index": \n\n';
  }

  /** An error reported inside the stream. */
  errorEvent(errorType: string, code: number, message: string): string {
    return this.#protocol === 'openai'
      ? sse({ error: { message, type: errorType, code } })
      : event('error', { type: 'error', error: { type: errorType, message } });
  }

  #openAiFrame(choices: unknown[]): string {
    return sse({
      id: this.#context.responseId,
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: this.#context.model,
      choices,
    });
  }

  #openAiChunk(piece: WireChunk): string {
    const delta =
      piece.kind === 'text'
        ? { role: 'assistant', content: piece.text }
        : piece.kind === 'reasoning'
          ? { role: 'assistant', reasoning_content: piece.text }
          : piece.kind === 'tool-call-start'
            ? {
                tool_calls: [
                  {
                    index: piece.index,
                    id: piece.call.id,
                    type: 'function',
                    function: { name: piece.call.name, arguments: '' },
                  },
                ],
              }
            : { tool_calls: [{ index: piece.index, function: { arguments: piece.text } }] };
    return this.#openAiFrame([{ index: 0, delta, finish_reason: null }]);
  }

  #anthropicChunk(piece: WireChunk): string {
    let output = '';
    const blockKind = piece.kind === 'tool-call-arguments' ? 'tool-call-start' : piece.kind;
    if (piece.kind === 'tool-call-start' || this.#openBlock?.kind !== blockKind) {
      output += this.#closeBlock();
      const index = this.#blockCount++;
      this.#openBlock = { kind: blockKind, index };
      const contentBlock =
        piece.kind === 'text'
          ? { type: 'text', text: '' }
          : piece.kind === 'reasoning'
            ? { type: 'thinking', thinking: '' }
            : piece.kind === 'tool-call-start'
              ? { type: 'tool_use', id: piece.call.id, name: piece.call.name, input: {} }
              : { type: 'text', text: '' };
      output += event('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: contentBlock,
      });
      if (piece.kind === 'tool-call-start') return output;
    }
    const index = this.#openBlock.index;
    const delta =
      piece.kind === 'text'
        ? { type: 'text_delta', text: piece.text }
        : piece.kind === 'reasoning'
          ? { type: 'thinking_delta', thinking: piece.text }
          : {
              type: 'input_json_delta',
              partial_json: piece.kind === 'tool-call-arguments' ? piece.text : '',
            };
    return output + event('content_block_delta', { type: 'content_block_delta', index, delta });
  }

  #closeBlock(): string {
    if (this.#openBlock === undefined) return '';
    const { index, kind } = this.#openBlock;
    this.#openBlock = undefined;
    const signature =
      kind === 'reasoning'
        ? event('content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'signature_delta', signature: 'fake-signature' },
          })
        : '';
    return signature + event('content_block_stop', { type: 'content_block_stop', index });
  }
}

/** The non-streaming OpenAI body (`stream: false`). */
export function openAiJsonBody(
  context: WireStreamContext,
  text: string,
  toolCalls: readonly FakeToolCall[],
  finishReason: string,
): unknown {
  return {
    id: context.responseId,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: context.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text,
          ...(toolCalls.length === 0
            ? {}
            : {
                tool_calls: toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
        },
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: context.usage.promptTokens,
      completion_tokens: context.usage.completionTokens,
      total_tokens: context.usage.promptTokens + context.usage.completionTokens,
    },
  };
}

/** A provider-shaped error body for an HTTP error status. */
export function errorBody(protocol: WireProtocol, status: number, message: string): unknown {
  if (protocol === 'anthropic') {
    const type =
      status === 401
        ? 'authentication_error'
        : status === 429
          ? 'rate_limit_error'
          : status === 529
            ? 'overloaded_error'
            : status >= 500
              ? 'api_error'
              : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  }
  return {
    error: {
      message,
      type: status >= 500 ? 'server_error' : 'invalid_request_error',
      code: status,
    },
  };
}
