import { describe, expect, it } from 'vitest';
import { mcpConfigSchema } from './mcp-config.js';

/** The refusals of `input`, as "path: message". */
function refusals(input: unknown): string[] {
  const result = mcpConfigSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('mcp_config (upstream MCPConfig)', () => {
  it("takes the stock UI's empty configuration and upstream's server shapes", () => {
    expect(
      mcpConfigSchema.parse({ sse_servers: [], stdio_servers: [], shttp_servers: [] }),
    ).toEqual({ sse_servers: [], stdio_servers: [], shttp_servers: [] });
    const config = {
      sse_servers: [
        'http://localhost:8080/sse',
        { url: 'https://mcp.example.com/sse', api_key: 'k' },
      ],
      shttp_servers: [
        'http://[::1]:3000/mcp',
        { url: 'https://user:pw@mcp.example.com/mcp?x=1', api_key: null, timeout: 30 },
      ],
      stdio_servers: [
        { name: 'fetch', command: 'uvx', args: ['mcp-server-fetch'], env: { DEBUG: '1' } },
        { name: 'plain-server_2', command: 'node' },
      ],
    };
    expect(mcpConfigSchema.parse(config)).toEqual(config);
    expect(mcpConfigSchema.parse({})).toEqual({});
  });

  it('trims URLs, names and commands, and keeps keys a newer client adds to an entry', () => {
    expect(
      mcpConfigSchema.parse({
        sse_servers: [' http://a.example/sse '],
        stdio_servers: [{ name: ' s ', command: ' node ', disabled: false }],
      }),
    ).toEqual({
      sse_servers: ['http://a.example/sse'],
      stdio_servers: [{ name: 's', command: 'node', disabled: false }],
    });
  });

  it.each([
    [{ other_servers: [] }, ': Unrecognized key: "other_servers"'],
    [
      { sse_servers: ['ftp://host/x'] },
      'sse_servers.0: The URL must start with http:// or https:// and name a host',
    ],
    [
      { shttp_servers: [{ url: 'http://' }] },
      'shttp_servers.0.url: The URL must start with http:// or https:// and name a host',
    ],
    [
      { sse_servers: [42] },
      'sse_servers.0: Expected a URL string or an object {"url": ..., "api_key": ...}',
    ],
    [{ sse_servers: ['http://a/x', 'http://a/x'] }, 'sse_servers.1: Duplicate MCP server URL'],
    [
      { shttp_servers: [{ url: 'http://a/x', timeout: 3601 }] },
      'shttp_servers.0.timeout: Too big: expected number to be <=3600',
    ],
    [
      { stdio_servers: [{ name: 'a b', command: 'node' }] },
      'stdio_servers.0.name: A server name must be non-empty and hold only letters, digits, hyphens and underscores',
    ],
    [
      { stdio_servers: [{ name: 'a', command: 'node server.js' }] },
      'stdio_servers.0.command: The command must be a single executable without spaces (put parameters in "args")',
    ],
    [
      { stdio_servers: [{ name: 'a', command: 'node', env: { '1X': 'v' } }] },
      'stdio_servers.0.env.1X: An environment variable name must start with a letter or underscore and hold only letters, digits and underscores',
    ],
    [
      { stdio_servers: [{ name: 'a', command: 'node', args: 'x y' }] },
      'stdio_servers.0.args: Invalid input: expected array, received string',
    ],
    [
      {
        stdio_servers: [
          { name: 'a', command: 'node' },
          { name: 'a', command: 'uvx' },
        ],
      },
      'stdio_servers.1.name: Duplicate MCP stdio server name',
    ],
    [
      { stdio_servers: [{ name: 'a', command: 'node', args: ['\u0000'] }] },
      'stdio_servers.0.args.0: Text must not contain U+0000 or unpaired surrogates',
    ],
  ])('refuses %j with a message naming the field', (input, refusal) => {
    expect(refusals(input)).toEqual([refusal]);
  });
});
