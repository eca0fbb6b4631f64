// @ts-check
// The local OpenAI-compatible SSE server of benchmark B7, run as its own process:
//   node bench/lib/llm-stream-server.mjs      → prints {"port": N} on stdout, serves until killed.
//
// POST /v1/chat/completions; the request's `model` picks the stream:
//   flood-<N>            N text chunks ("x") as fast as the socket takes them, then usage + [DONE]
//   paced-<N>-<token>    N chunks, one per millisecond, each carrying process.hrtime.bigint() as text
//   endless-<token>      one stamped chunk per millisecond until the client goes away
// GET /closed/<token> answers, once the connection of the request with that token has closed, the
// process.hrtime.bigint() (ns, as a string) of the close. hrtime is CLOCK_MONOTONIC, the same clock
// in every process on the machine, so clients compare it with their own readings.
// GET /cpu answers this process's process.cpuUsage() (µs) as JSON, so a client can tell whether the
// load generator itself was saturated during a flood (then the client's figure is a lower bound).
import { createServer } from 'node:http';
import { portOf } from './listening.mjs';

const closedAt = new Map();
const closeWaiters = new Map();

/** @param {string} content */
function frame(content) {
  return `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
}
const closing =
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n' +
  'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}\n\n' +
  'data: [DONE]\n\n';

/**
 * Resolves on 'drain' or 'close', whichever comes first, and removes both listeners.
 * @param {import('node:http').ServerResponse} response
 */
function drained(response) {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve(undefined);
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/**
 * @param {import('node:http').ServerResponse} response
 * @param {string} text
 */
async function write(response, text) {
  if (response.destroyed) return false;
  if (!response.write(text)) await drained(response);
  return !response.destroyed;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * @param {string} model
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
async function stream(model, request, response) {
  const token = model.split('-').at(-1);
  if (model.startsWith('paced-') || model.startsWith('endless-')) {
    request.socket.once('close', () => {
      closedAt.set(token, process.hrtime.bigint());
      closeWaiters.get(token)?.();
    });
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
  if (model.startsWith('flood-')) {
    const chunks = Number(model.slice('flood-'.length));
    const chunk = frame('x');
    // Batch 64 frames per write: the server is not what is measured, and its cost is the same for
    // every client.
    const batch = chunk.repeat(64);
    let sent = 0;
    while (sent + 64 <= chunks) {
      if (!(await write(response, batch))) return;
      sent += 64;
    }
    while (sent < chunks) {
      if (!(await write(response, chunk))) return;
      sent++;
    }
  } else if (model.startsWith('paced-')) {
    const chunks = Number(model.split('-')[1]);
    for (let index = 0; index < chunks; index++) {
      await tick();
      if (!(await write(response, frame(String(process.hrtime.bigint()))))) return;
    }
  } else {
    for (;;) {
      await tick();
      if (!(await write(response, frame(String(process.hrtime.bigint()))))) return;
    }
  }
  await write(response, closing);
  response.end();
}

const server = createServer(async (request, response) => {
  try {
    if (request.method === 'GET' && request.url === '/cpu') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(process.cpuUsage()));
      return;
    }
    if (request.method === 'GET' && request.url?.startsWith('/closed/')) {
      const token = request.url.slice('/closed/'.length);
      if (!closedAt.has(token)) {
        await new Promise((resolve) => closeWaiters.set(token, resolve));
      }
      closeWaiters.delete(token);
      response.end(String(closedAt.get(token)));
      closedAt.delete(token);
      return;
    }
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    await stream(String(body.model), request, response);
  } catch (error) {
    response.destroy(error instanceof Error ? error : new Error(String(error)));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: portOf(server) }));
});
