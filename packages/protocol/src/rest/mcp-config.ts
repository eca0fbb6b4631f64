import { z } from 'zod';
import { storableString } from './storable-text.js';

// Upstream's `MCPConfig` (openhands/core/config/mcp_config.py), the `mcp_config` settings field:
// lists of SSE, streamable-HTTP and stdio MCP servers. Unknown top-level keys are refused, as
// upstream's `extra='forbid'`; a server entry keeps keys it does not know (newer clients add some).

/** Upstream's limit on a streamable-HTTP server's `timeout`, in seconds. */
export const mcpMaximumTimeoutSeconds = 3600;

const serverUrlSchema = storableString()
  .trim()
  .min(1, 'The URL cannot be empty')
  .refine(hasHttpScheme, 'The URL must start with http:// or https:// and name a host');

const apiKeySchema = storableString().nullable().optional();

/** A URL string, or `{url, api_key?}` (upstream accepts both and reads a string as `{url}`). */
const sseServerSchema = z.union(
  [serverUrlSchema, z.looseObject({ url: serverUrlSchema, api_key: apiKeySchema })],
  { error: 'Expected a URL string or an object {"url": ..., "api_key": ...}' },
);

const shttpServerSchema = z.union(
  [
    serverUrlSchema,
    z.looseObject({
      url: serverUrlSchema,
      api_key: apiKeySchema,
      /** Seconds a call may take before it is reported as timed out (default 60). */
      timeout: z.number().int().positive().max(mcpMaximumTimeoutSeconds).nullable().optional(),
    }),
  ],
  { error: 'Expected a URL string or an object {"url": ..., "api_key": ..., "timeout": ...}' },
);

const environmentNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

const environmentSchema = z
  .record(z.string(), storableString())
  .superRefine((environment, context) => {
    for (const name of Object.keys(environment)) {
      if (environmentNamePattern.test(name)) continue;
      context.addIssue({
        code: 'custom',
        path: [name],
        message:
          'An environment variable name must start with a letter or underscore and hold only letters, digits and underscores',
      });
    }
  });

const stdioServerSchema = z.looseObject(
  {
    name: storableString()
      .trim()
      .regex(
        /^[A-Za-z0-9_-]+$/,
        'A server name must be non-empty and hold only letters, digits, hyphens and underscores',
      ),
    command: storableString()
      .trim()
      .min(1, 'The command cannot be empty')
      .refine(
        (command) => !/\s/.test(command),
        'The command must be a single executable without spaces (put parameters in "args")',
      ),
    args: z.array(storableString()).optional(),
    env: environmentSchema.optional(),
  },
  { error: 'Expected an object {"name": ..., "command": ..., "args": [...], "env": {...}}' },
);

/** Body field `mcp_config` of `POST /api/settings` (upstream `MCPConfig`). */
export const mcpConfigSchema = z
  .strictObject({
    sse_servers: z.array(sseServerSchema).optional(),
    stdio_servers: z.array(stdioServerSchema).optional(),
    shttp_servers: z.array(shttpServerSchema).optional(),
  })
  .superRefine((config, context) => {
    for (const list of ['sse_servers', 'shttp_servers'] as const) {
      reportDuplicates(
        (config[list] ?? []).map((server) => (typeof server === 'string' ? server : server.url)),
        (index) =>
          context.addIssue({
            code: 'custom',
            path: [list, index],
            message: 'Duplicate MCP server URL',
          }),
      );
    }
    reportDuplicates(
      (config.stdio_servers ?? []).map((server) => server.name),
      (index) =>
        context.addIssue({
          code: 'custom',
          path: ['stdio_servers', index, 'name'],
          message: 'Duplicate MCP stdio server name',
        }),
    );
  })
  .meta({ id: 'McpConfig' });
export type McpConfig = z.output<typeof mcpConfigSchema>;
export type McpSseServer = NonNullable<McpConfig['sse_servers']>[number];
export type McpShttpServer = NonNullable<McpConfig['shttp_servers']>[number];
export type McpStdioServer = NonNullable<McpConfig['stdio_servers']>[number];

/** `http://` or `https://`, a host (with an optional user and port), no spaces. */
const httpUrlPattern =
  /^https?:\/\/([^\s/?#@]+@)?(\[[0-9a-f:.]+\]|[^\s/?#@:[\]]+)(:\d+)?([/?#]\S*)?$/i;

function hasHttpScheme(url: string): boolean {
  return httpUrlPattern.test(url);
}

function reportDuplicates(values: readonly string[], report: (index: number) => void): void {
  const seen = new Set<string>();
  for (const [index, value] of values.entries()) {
    if (seen.has(value)) report(index);
    seen.add(value);
  }
}
