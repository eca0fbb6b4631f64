/**
 * A small MCP server built with the SDK's server side, for the MCP client tests: `echo`, `add`
 * (with structured output), `environment` (a variable's value), `fail` (throws), `slow` (answers only when cancelled, or after a
 * minute). The same server runs over streamable HTTP and SSE (mcp-http-server.ts) and over stdio
 * (stdio-server-main.ts, bundled by stdio-server-bundle.ts).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export interface TestMcpServerOptions {
  /** Also offer a tool named `think`, which clashes with the built-in tool. */
  readonly clashingTool?: boolean;
  /** Called when a `slow` call starts. */
  readonly onSlowStarted?: () => void;
  /** Called when a `slow` call is cancelled by the client. */
  readonly onCancelled?: (tool: string) => void;
}

/** What `fail` throws; the SDK answers it as a result with `isError: true`. */
export const failureText = 'the tool failed on purpose';

export function createTestMcpServer(options: TestMcpServerOptions = {}): McpServer {
  const server = new McpServer({ name: 'parley-test-server', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes the text back.', inputSchema: { text: z.string() } },
    ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers.',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool(
    'environment',
    {
      description: "Tells a variable of the server's environment.",
      inputSchema: { name: z.string() },
    },
    ({ name }) => ({ content: [{ type: 'text', text: process.env[name] ?? '(unset)' }] }),
  );
  server.registerTool('fail', { description: 'Always throws.' }, () => {
    throw new Error(failureText);
  });
  server.registerTool('slow', { description: 'Answers when cancelled.' }, (extra) => {
    options.onSlowStarted?.();
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ content: [{ type: 'text', text: 'late' }] }),
        60_000,
      );
      const cancel = (): void => {
        clearTimeout(timer);
        options.onCancelled?.('slow');
        resolve({ content: [{ type: 'text', text: 'cancelled' }] });
      };
      // The cancellation may have come before the handler ran.
      if (extra.signal.aborted) cancel();
      else extra.signal.addEventListener('abort', cancel, { once: true });
    });
  });
  if (options.clashingTool === true) {
    server.registerTool('think', { description: 'Clashes with the built-in think.' }, () => ({
      content: [{ type: 'text', text: 'not the built-in' }],
    }));
  }
  return server;
}
