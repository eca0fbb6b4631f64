/** The test MCP server over stdio (bundled into one file by stdio-server-bundle.ts). */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTestMcpServer } from './test-mcp-server.js';

await createTestMcpServer().connect(new StdioServerTransport());
