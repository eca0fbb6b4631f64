/** Writes the fake LLM server's answer to one request, following its behaviour. */
import type { ServerResponse } from 'node:http';
import type { FakeLlmBehaviour, RecordedRequest } from './fake-llm-behaviour.js';
import {
  WireEncoder,
  errorBody,
  openAiJsonBody,
  type FakeUsage,
  type WireChunk,
  type WireProtocol,
} from './fake-llm-wire.js';

/** Resolves on 'drain' or 'close', whichever comes first, and removes both listeners. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** `released`: resolves when the test opens a `gated` behaviour's gate. */
export async function respond(
  recorded: RecordedRequest,
  response: ServerResponse,
  released: Promise<void> = Promise.resolve(),
): Promise<void> {
  const { behaviour, protocol } = recorded;
  const isStreaming = protocol === 'anthropic' || recorded.body['stream'] === true;
  const model = typeof recorded.body['model'] === 'string' ? recorded.body['model'] : 'fake-model';
  switch (behaviour.kind) {
    case 'status': {
      let message = behaviour.message ?? `fake ${behaviour.status}`;
      if (behaviour.echoAuthorization === true) {
        const presented = recorded.headers['authorization'] ?? recorded.headers['x-api-key'];
        message += ` (you sent: ${String(presented)})`;
      }
      response
        .writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers })
        .end(JSON.stringify(errorBody(protocol, behaviour.status, message)));
      return;
    }
    case 'reset-before-headers':
      response.socket?.destroy();
      return;
    case 'stall-before-headers':
      return;
    default:
      break;
  }
  const usage: FakeUsage =
    behaviour.kind === 'reply' && behaviour.usage !== undefined
      ? behaviour.usage
      : { promptTokens: 12, completionTokens: 7 };
  const responseId =
    behaviour.kind === 'reply' && behaviour.responseId !== undefined
      ? behaviour.responseId
      : `${protocol === 'openai' ? 'chatcmpl' : 'msg'}-fake-${recorded.index}`;
  const encoder = new WireEncoder(protocol, { responseId, model, usage });
  const extraHeaders = behaviour.kind === 'reply' ? behaviour.headers : undefined;

  if (!isStreaming && behaviour.kind === 'reply') {
    const text =
      typeof behaviour.text === 'string' ? behaviour.text : (behaviour.text ?? []).join('');
    const toolCalls = behaviour.toolCalls ?? [];
    const body = openAiJsonBody(
      { responseId, model, usage },
      text,
      toolCalls,
      behaviour.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    );
    response
      .writeHead(200, { 'content-type': 'application/json', ...extraHeaders })
      .end(JSON.stringify(body));
    return;
  }

  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    ...extraHeaders,
  });
  response.flushHeaders();
  const write = async (text: string, counts = true): Promise<boolean> => {
    if (response.destroyed) return false;
    if (counts) recorded.chunksWritten++;
    if (!response.write(text)) await drained(response);
    return !response.destroyed;
  };
  const writeWords = async (count: number): Promise<boolean> => {
    for (let index = 0; index < count; index++) {
      if (!(await write(encoder.chunk({ kind: 'text', text: `word${index} ` })))) return false;
    }
    return true;
  };
  await write(encoder.start(), false);

  switch (behaviour.kind) {
    case 'reset-mid-stream':
      if (await writeWords(behaviour.afterChunks)) {
        // Let the chunks reach the client before the connection drops.
        await new Promise((resolve) => setTimeout(resolve, 20));
        response.socket?.destroy();
      }
      return;
    case 'stall':
      await writeWords(behaviour.afterChunks);
      return;
    case 'gated':
      if (!(await writeWords(behaviour.afterChunks))) return;
      await released;
      if (!(await writeWords(behaviour.thenChunks))) return;
      await write(encoder.finish(protocol === 'openai' ? 'stop' : 'end_turn'), false);
      response.end();
      return;
    case 'malformed-chunk':
      if (!(await writeWords(behaviour.afterChunks))) return;
      await write(encoder.malformed());
      await write(encoder.finish(protocol === 'openai' ? 'stop' : 'end_turn'), false);
      response.end();
      return;
    case 'error-event':
      if (!(await writeWords(behaviour.afterChunks))) return;
      await write(
        encoder.errorEvent(
          behaviour.errorType ?? 'overloaded_error',
          behaviour.code ?? 502,
          behaviour.message ?? 'fake stream error',
        ),
      );
      response.end();
      return;
    case 'empty-choices':
      await write(encoder.finish(protocol === 'openai' ? undefined : 'end_turn'), false);
      response.end();
      return;
    case 'flood': {
      const chunk = encoder.chunk({ kind: 'text', text: behaviour.text ?? 'x' });
      for (let index = 0; index < behaviour.chunks; index++) {
        if (!(await write(chunk))) return;
      }
      await write(encoder.finish(protocol === 'openai' ? 'stop' : 'end_turn'), false);
      response.end();
      return;
    }
    case 'reply':
      await streamReply(behaviour, protocol, encoder, write);
      response.end();
      return;
  }
}

async function streamReply(
  behaviour: Extract<FakeLlmBehaviour, { kind: 'reply' }>,
  protocol: WireProtocol,
  encoder: WireEncoder,
  write: (text: string, counts?: boolean) => Promise<boolean>,
): Promise<void> {
  const pieces: WireChunk[] = [];
  for (const text of behaviour.reasoning ?? []) pieces.push({ kind: 'reasoning', text });
  const texts =
    typeof behaviour.text === 'string'
      ? (behaviour.text.match(/\s*\S+/g) ?? [])
      : (behaviour.text ?? []);
  for (const text of texts) pieces.push({ kind: 'text', text });
  (behaviour.toolCalls ?? []).forEach((call, index) => {
    pieces.push({ kind: 'tool-call-start', index, call });
    const middle = Math.ceil(call.arguments.length / 2);
    for (const text of [call.arguments.slice(0, middle), call.arguments.slice(middle)]) {
      if (text !== '') pieces.push({ kind: 'tool-call-arguments', index, text });
    }
  });
  for (const piece of pieces) {
    if (behaviour.chunkDelayMs !== undefined && behaviour.chunkDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, behaviour.chunkDelayMs));
    }
    if (!(await write(encoder.chunk(piece)))) return;
  }
  const hasToolCalls = (behaviour.toolCalls ?? []).length > 0;
  const finishReason = behaviour.omitFinishReason
    ? undefined
    : (behaviour.finishReason ??
      (protocol === 'openai'
        ? hasToolCalls
          ? 'tool_calls'
          : 'stop'
        : hasToolCalls
          ? 'tool_use'
          : 'end_turn'));
  await write(encoder.finish(finishReason), false);
}
