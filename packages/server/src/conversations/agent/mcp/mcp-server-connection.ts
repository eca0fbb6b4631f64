/**
 * One MCP server, connected with the official SDK client: SSE and streamable HTTP over the
 * network, stdio as a command in the conversation's sandbox. Connecting initializes the session
 * and lists the server's tools; calls then go to the same session until `close`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { abortedErrorFrom, isAbortError } from '../../../shared/abort.js';
import { withTimeout } from '../../../shared/with-timeout.js';
import type { Sandbox } from '../../../runtime/sandbox.js';
import type { McpServerSpec } from './mcp-server-specs.js';
import { StartedCommandTransport } from './started-command-transport.js';

export interface McpServerConnection {
  readonly spec: McpServerSpec;
  /** The server's tools, as it listed them when the connection opened. */
  readonly tools: readonly Tool[];
  /**
   * Calls a tool with the spec's call timeout (a timeout rejects with the SDK's `McpError`
   * `RequestTimeout`). `signal` cancels the call (the server is told) and rejects with
   * `AbortedError` at once.
   */
  callTool(
    name: string,
    args: Readonly<Record<string, unknown>>,
    options: { signal: AbortSignal },
  ): Promise<CallToolResult>;
  /** Ends the session (and a stdio server's command). Never rejects. Idempotent. */
  close(): Promise<void>;
}

/** The part of the sandbox MCP uses: `start`, for stdio servers. */
export type McpSandbox = Pick<Sandbox, 'start'>;

export interface McpConnectContext {
  /** Where stdio servers run; without it a stdio server cannot be connected. */
  readonly sandbox: McpSandbox | undefined;
  readonly workspaceId: string;
  /** Limit on connecting and listing the tools, in ms. */
  readonly connectTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Errors the session reports beside calls (a line of output that is not JSON-RPC, …). */
  readonly onError?: (error: Error) => void;
}

/** Parley as an MCP client, in the `initialize` request. */
const clientInfo = { name: 'parley', version: '0.1.0' };

/** The longest `Sandbox.start` timeout: a stdio server lives as long as its connection. */
const stdioLifetimeMs = 2_147_483_647;

/**
 * Opens a session with the server and lists its tools. Rejects with `TimeoutError` after
 * `connectTimeoutMs`, with `AbortedError` when `signal` fires, else with the failure; nothing is
 * left running when it rejects.
 */
export async function connectMcpServer(
  spec: McpServerSpec,
  context: McpConnectContext,
): Promise<McpServerConnection> {
  const transport = createTransport(spec, context);
  const client = new Client(clientInfo, { capabilities: {} });
  client.onerror = (error) => context.onError?.(error);
  try {
    const tools = await withTimeout(
      async (signal) => {
        await client.connect(transport, { signal, timeout: context.connectTimeoutMs });
        return listAllTools(client, signal, context.connectTimeoutMs);
      },
      { timeoutMs: context.connectTimeoutMs, signal: context.signal },
    );
    return openConnection(spec, client, transport, tools);
  } catch (error) {
    await closeQuietly(client, transport);
    throw withExit(error, transport);
  }
}

function createTransport(spec: McpServerSpec, context: McpConnectContext): Transport {
  if (spec.kind === 'stdio') {
    const sandbox = context.sandbox;
    if (sandbox === undefined) throw new Error('No sandbox is available to run stdio servers');
    return new StartedCommandTransport(({ onStdout, signal }) =>
      sandbox.start(context.workspaceId, spec.shellCommand, {
        env: spec.env,
        onStdout,
        signal,
        timeoutMs: stdioLifetimeMs,
      }),
    );
  }
  // Upstream's headers: the key as a bearer token and as a session key.
  const headers: Record<string, string> =
    spec.apiKey === undefined
      ? {}
      : { Authorization: `Bearer ${spec.apiKey}`, 'X-Session-API-Key': spec.apiKey };
  const url = new URL(spec.url);
  return spec.kind === 'sse'
    ? new SSEClientTransport(url, { requestInit: { headers } })
    : new StreamableHTTPClientTransport(url, { requestInit: { headers } });
}

async function listAllTools(client: Client, signal: AbortSignal, timeout: number): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, {
      signal,
      timeout,
    });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

function openConnection(
  spec: McpServerSpec,
  client: Client,
  transport: Transport,
  tools: readonly Tool[],
): McpServerConnection {
  let closing: Promise<void> | undefined;
  return {
    spec,
    tools,
    async callTool(name, args, { signal }) {
      // A signal of its own for each call: the SDK never removes its listener from the signal.
      const call = new AbortController();
      const onAbort = (): void => call.abort(signal.reason);
      if (signal.aborted) throw abortedErrorFrom(signal);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await client.callTool({ name, arguments: { ...args } }, undefined, {
          signal: call.signal,
          timeout: spec.callTimeoutMs,
        });
        return toCallToolResult(result);
      } catch (error) {
        if (signal.aborted) throw abortedErrorFrom(signal);
        throw error;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    },
    close() {
      closing ??= closeQuietly(client, transport);
      return closing;
    },
  };
}

/** Old servers answer with `{toolResult}` (protocol 2024-10-07); newer ones with `content`. */
function toCallToolResult(result: Awaited<ReturnType<Client['callTool']>>): CallToolResult {
  if ('content' in result && Array.isArray(result.content)) return result as CallToolResult;
  return { content: [{ type: 'text', text: JSON.stringify(result['toolResult'] ?? null) }] };
}

/** Ends the streamable-HTTP session (best effort, bounded), then the client and transport. */
async function closeQuietly(client: Client, transport: Transport): Promise<void> {
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
    await withTimeout(() => transport.terminateSession(), { timeoutMs: 2_000 }).catch(() => {});
  }
  await client.close().catch(() => {});
  // `client.close` closes only a transport it connected; a failed start leaves it to us.
  await transport.close().catch(() => {});
}

/** A stdio server's failure with how its command ended and the end of its standard error. */
function withExit(error: unknown, transport: Transport): unknown {
  if (!(transport instanceof StartedCommandTransport) || transport.exit === undefined) return error;
  if (!(error instanceof Error) || isAbortError(error)) return error;
  const errorOutput = transport.errorOutput.trim();
  const detail = errorOutput === '' ? '' : `; standard error ends with: ${errorOutput}`;
  return new Error(`${error.message} (the server ${transport.exit}${detail})`, { cause: error });
}
