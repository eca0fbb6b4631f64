import { describe, expect, it } from 'vitest';
import { mcpConfigSecrets, mcpServerSpecs, shellCommand, urlLabel } from './mcp-server-specs.js';

describe('MCP server specs', () => {
  it('reads every server kind in upstream order, with labels that hold no secret', () => {
    const specs = mcpServerSpecs({
      stdio_servers: [{ name: 'fetch', command: 'uvx', args: ['mcp-server-fetch'] }],
      shttp_servers: [{ url: 'https://u:p4ss@mcp.example.com/mcp?token=t0k3n#x', timeout: 5 }],
      sse_servers: ['http://localhost:8080/sse'],
    });
    expect(specs.map((spec) => [spec.kind, spec.label, spec.callTimeoutMs])).toEqual([
      ['sse', 'sse:http://localhost:8080/sse', 60_000],
      ['shttp', 'shttp:https://mcp.example.com/mcp', 5_000],
      ['stdio', 'stdio:fetch', 60_000],
    ]);
    expect(specs[2]).toMatchObject({ shellCommand: "exec 'uvx' 'mcp-server-fetch'", env: {} });
  });

  it('an empty or null api_key is no key; a key is a secret', () => {
    const specs = mcpServerSpecs({
      sse_servers: [
        { url: 'http://a/1', api_key: null },
        { url: 'http://a/2', api_key: '' },
      ],
      shttp_servers: [{ url: 'http://a/3', api_key: 'key-123' }],
    });
    expect(
      specs.map((spec) => [spec.kind === 'stdio' ? 'stdio' : spec.apiKey, spec.secrets]),
    ).toEqual([
      [undefined, []],
      [undefined, []],
      ['key-123', ['key-123']],
    ]);
  });

  it('takes keys, URL credentials and secret-looking query values and variables for secrets', () => {
    expect(
      mcpConfigSecrets({
        shttp_servers: [
          { url: 'https://u:p4ss@h.example/mcp?api_key=q-key&limit=100', api_key: 'k1' },
        ],
        stdio_servers: [
          {
            name: 's',
            command: 'x',
            env: { GITHUB_TOKEN: 'gh-1', MODE: 'debug', DB_PASSWORD: 'pw' },
          },
        ],
      }),
    ).toEqual(['k1', 'p4ss', 'u:p4ss', 'p4ss', 'q-key', 'gh-1', 'pw']);
    expect(mcpConfigSecrets(null)).toEqual([]);
    expect(mcpConfigSecrets({ sse_servers: 'not a list' })).toEqual([]);
  });

  it('quotes every word for the shell, whatever it holds', () => {
    expect(shellCommand('node', ["it's", '$HOME', 'a b', '`x`', ''])).toBe(
      `exec 'node' 'it'\\''s' '$HOME' 'a b' '\`x\`' ''`,
    );
  });

  it('labels a URL by origin and path only', () => {
    expect(urlLabel('https://user:pass@host.example:8443/p/q?key=1#f')).toBe(
      'https://host.example:8443/p/q',
    );
    expect(urlLabel('not a url')).toBe('(invalid URL)');
  });
});
