/**
 * A real `node:http` LLM endpoint on 127.0.0.1, port 0, for tests and benchmarks that need the
 * wire protocol: OpenAI Chat Completions at `POST /v1/chat/completions` (SSE or JSON, by the
 * request's `stream` flag) and Anthropic Messages at `POST /v1/messages` (SSE).
 *
 *   const server = await startFakeLlmServer();
 *   server.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '1' } },
 *                  { kind: 'reply', text: ['Hel', 'lo'] });
 *   // point a model at server.baseUrl (both protocols live under /v1)
 *   server.requests[0].body; await server.requests[1].socketClosed;
 *   await server.close();
 *
 * Each request takes the next behaviour from the queue (`defaultBehaviour` when it is empty).
 * Every request is recorded with its parsed body and headers, and with `socketClosed`, which
 * resolves with `performance.now()` when the client's TCP connection closed.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FakeLlmBehaviour, RecordedRequest } from './fake-llm-behaviour.js';
import { respond } from './fake-llm-responder.js';
import type { WireProtocol } from './fake-llm-wire.js';

export type { FakeLlmBehaviour, RecordedRequest } from './fake-llm-behaviour.js';
export type { FakeToolCall, FakeUsage } from './fake-llm-wire.js';

export interface FakeLlmServerOptions {
  /** Used when the queue is empty; default: a short two-word reply. */
  readonly defaultBehaviour?: FakeLlmBehaviour;
}

export interface FakeLlmServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `<url>/v1`: the base URL for both the OpenAI-compatible and the Anthropic model. */
  readonly baseUrl: string;
  readonly requests: readonly RecordedRequest[];
  enqueue(...behaviours: FakeLlmBehaviour[]): void;
  /** Drops behaviours still queued (call between tests). */
  clearQueue(): void;
  /** Resolves with request `index` (0-based) once it has arrived. */
  waitForRequest(index: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const defaultReply: FakeLlmBehaviour = { kind: 'reply', text: 'Hello there' };

export async function startFakeLlmServer(
  options: FakeLlmServerOptions = {},
): Promise<FakeLlmServer> {
  const queue: FakeLlmBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const waiters = new Map<number, (request: RecordedRequest) => void>();
  const sockets = new Set<Socket>();
  const socketClosedAt = new WeakMap<Socket, Promise<number>>();

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socketClosedAt.set(
      socket,
      new Promise((resolve) =>
        socket.once('close', () => {
          sockets.delete(socket);
          resolve(performance.now());
        }),
      ),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = (request.url ?? '').split('?')[0] ?? '';
    const protocol: WireProtocol | undefined = path.endsWith('/chat/completions')
      ? 'openai'
      : path.endsWith('/messages')
        ? 'anthropic'
        : undefined;
    if (request.method !== 'POST' || protocol === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const behaviour = queue.shift() ?? options.defaultBehaviour ?? defaultReply;
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let responded: () => void = () => undefined;
    const socketClosed = socketClosedAt.get(request.socket) ?? Promise.resolve(receivedAt);
    const recorded: RecordedRequest = {
      index: requests.length,
      protocol,
      path,
      headers: request.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
      behaviour,
      receivedAt,
      socketClosed,
      chunksWritten: 0,
      socketIsClosed: false,
      release,
      responded: new Promise<void>((resolve) => (responded = resolve)),
    };
    void socketClosed.then(() => (recorded.socketIsClosed = true));
    requests.push(recorded);
    waiters.get(recorded.index)?.(recorded);
    waiters.delete(recorded.index);
    try {
      await respond(recorded, response, released);
    } finally {
      responded();
    }
  }

  const address = await listen(server);
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    enqueue: (...behaviours) => void queue.push(...behaviours),
    clearQueue: () => void queue.splice(0),
    waitForRequest(index) {
      const existing = requests[index];
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise((resolve) => waiters.set(index, resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

async function listen(server: ReturnType<typeof createServer>): Promise<AddressInfo> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address() as AddressInfo;
}
