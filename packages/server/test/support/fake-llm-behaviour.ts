/** What the fake LLM server can be told to do with a request, and what it records of each. */
import type { IncomingMessage } from 'node:http';
import type { FakeToolCall, FakeUsage, WireProtocol } from './fake-llm-wire.js';

export type FakeLlmBehaviour =
  /** A normal answer. `text` as a string is sent one word per chunk; as an array, chunk by chunk. */
  | {
      readonly kind: 'reply';
      readonly text?: string | readonly string[];
      readonly reasoning?: readonly string[];
      readonly toolCalls?: readonly FakeToolCall[];
      readonly usage?: FakeUsage;
      /** Wire value (`stop`/`tool_calls`… or `end_turn`/`tool_use`…); default by protocol. */
      readonly finishReason?: string;
      /** End the body without a finish (OpenAI: no `finish_reason`; Anthropic: no `message_delta`/`message_stop`). */
      readonly omitFinishReason?: boolean;
      /** Pause before each chunk: slow tokens. */
      readonly chunkDelayMs?: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly responseId?: string;
    }
  /** An HTTP error with a provider-shaped JSON body. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly message?: string;
      /** Append the request's own `Authorization` (or `x-api-key`) header, as some gateways do. */
      readonly echoAuthorization?: boolean;
    }
  /** Destroy the socket before sending anything. */
  | { readonly kind: 'reset-before-headers' }
  /** Send headers and `afterChunks` text chunks, then destroy the socket. */
  | { readonly kind: 'reset-mid-stream'; readonly afterChunks: number }
  /** Never answer (until the client gives up). */
  | { readonly kind: 'stall-before-headers' }
  /** Send headers and `afterChunks` text chunks, then nothing more until the client gives up. */
  | { readonly kind: 'stall'; readonly afterChunks: number }
  /**
   * Send headers and `afterChunks` text chunks, then hold the next chunk until the test calls
   * `release()` on the recorded request; then try to send `thenChunks` more and finish. A test of
   * a stop releases the gate after the socket closed: `chunksWritten` shows whether any chunk was
   * written after the stop (order and cause, not time).
   */
  | { readonly kind: 'gated'; readonly afterChunks: number; readonly thenChunks: number }
  /** Send `afterChunks` text chunks, then a chunk that is not JSON, then finish normally. */
  | { readonly kind: 'malformed-chunk'; readonly afterChunks: number }
  /** A well-formed stream with no content at all (OpenAI: `choices: []`). */
  | { readonly kind: 'empty-choices' }
  /**
   * `afterChunks` text chunks, then an error inside the 200 stream and the end of the body:
   * OpenAI-style `data: {"error": …}` (as OpenRouter sends) or Anthropic's `event: error`.
   */
  | {
      readonly kind: 'error-event';
      readonly afterChunks: number;
      /** Anthropic error type, for example `overloaded_error` (the default) or `invalid_request_error`. */
      readonly errorType?: string;
      /** OpenAI-style numeric code; default 502. */
      readonly code?: number;
      readonly message?: string;
    }
  /** `chunks` text chunks of `text` as fast as the socket takes them (honours back-pressure). */
  | { readonly kind: 'flood'; readonly chunks: number; readonly text?: string };

export interface RecordedRequest {
  readonly index: number;
  readonly protocol: WireProtocol;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** The parsed JSON body. */
  readonly body: Record<string, unknown>;
  readonly behaviour: FakeLlmBehaviour;
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
  /** Resolves with `performance.now()` when the client's connection closed. */
  readonly socketClosed: Promise<number>;
  /** Chunks written so far (text pieces, not bytes). */
  chunksWritten: number;
  /** True once the client's connection closed. */
  socketIsClosed: boolean;
  /** Opens the gate of a `gated` behaviour (harmless otherwise). */
  release(): void;
  /** Resolves when the server is done with the request (answered, or gave up on a closed socket). */
  readonly responded: Promise<void>;
}
