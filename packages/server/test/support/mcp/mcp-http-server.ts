/**
 * The test MCP server over HTTP on 127.0.0.1, port 0: streamable HTTP at `/mcp` (a session per
 * client) and SSE at `/sse` (messages posted to `/messages`). With `apiKey`, a request without
 * `Authorization: Bearer <apiKey>` is answered 401.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createTestMcpServer, type TestMcpServerOptions } from './test-mcp-server.js';

export interface McpHttpServerOptions extends Omit<
  TestMcpServerOptions,
  'onCancelled' | 'onSlowStarted'
> {
  readonly apiKey?: string;
}

export interface McpHttpServer {
  /** The streamable-HTTP endpoint. */
  readonly url: string;
  /** The SSE endpoint. */
  readonly sseUrl: string;
  /** Every request's Authorization header, in order. */
  readonly authorizations: (string | undefined)[];
  /** Tools whose calls the client cancelled. */
  readonly cancellations: string[];
  /** How many `slow` calls started. */
  slowCalls(): number;
  /** Sessions still open (streamable HTTP and SSE). */
  openSessions(): number;
  close(): Promise<void>;
}

export async function startMcpHttpServer(
  options: McpHttpServerOptions = {},
): Promise<McpHttpServer> {
  const authorizations: (string | undefined)[] = [];
  const cancellations: string[] = [];
  let slowCalls = 0;
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();
  const newServer = () =>
    createTestMcpServer({
      ...options,
      onCancelled: (tool) => cancellations.push(tool),
      onSlowStarted: () => (slowCalls += 1),
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    authorizations.push(request.headers.authorization);
    if (
      options.apiKey !== undefined &&
      request.headers.authorization !== `Bearer ${options.apiKey}`
    ) {
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"error":"unauthorized"}');
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/mcp') {
      const sessionId = request.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? streamable.get(sessionId) : undefined;
      if (transport === undefined) {
        if (sessionId !== undefined) {
          response.writeHead(404).end();
          return;
        }
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => void streamable.set(id, created),
        });
        created.onclose = () => {
          if (created.sessionId !== undefined) streamable.delete(created.sessionId);
        };
        await newServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(request, response);
      return;
    }
    if (path === '/sse' && request.method === 'GET') {
      const transport = new SSEServerTransport('/messages', response);
      sse.set(transport.sessionId, transport);
      response.on('close', () => sse.delete(transport.sessionId));
      await newServer().connect(transport);
      return;
    }
    if (path === '/messages' && request.method === 'POST') {
      const sessionId = new URL(request.url ?? '/', 'http://localhost').searchParams.get(
        'sessionId',
      );
      const transport = sse.get(sessionId ?? '');
      if (transport === undefined) {
        response.writeHead(404).end();
        return;
      }
      await transport.handlePostMessage(request, response);
      return;
    }
    response.writeHead(404).end();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    authorizations,
    cancellations,
    slowCalls: () => slowCalls,
    openSessions: () => streamable.size + sse.size,
    async close() {
      await Promise.all(
        [...streamable.values(), ...sse.values()].map((transport) => transport.close()),
      );
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
