import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  openMcpTools,
  type McpTools,
} from '../../../src/conversations/agent/mcp/open-mcp-tools.js';
import type { AgentTool } from '../../../src/conversations/agent/tool-registry.js';
import { AbortedError } from '../../../src/shared/errors.js';
import { startMcpHttpServer, type McpHttpServer } from '../../support/mcp/mcp-http-server.js';
import { failureText } from '../../support/mcp/test-mcp-server.js';
import { createCapturingLogger } from '../../support/test-logger.js';

/** MCP servers over streamable HTTP and SSE, through `openMcpTools` as the agent loop uses it. */
describe('MCP tools over HTTP', () => {
  const servers: McpHttpServer[] = [];
  const opened: McpTools[] = [];
  const hanging: Server[] = [];
  afterEach(async () => {
    for (const tools of opened.splice(0)) await tools.close();
    for (const server of servers.splice(0)) await server.close();
    for (const server of hanging.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function server(options: Parameters<typeof startMcpHttpServer>[0] = {}) {
    const started = await startMcpHttpServer(options);
    servers.push(started);
    return started;
  }
  async function open(
    config: unknown,
    extra: { signal?: AbortSignal; connectTimeoutMs?: number } = {},
  ) {
    const capture = createCapturingLogger('debug');
    const tools = await openMcpTools(config, {
      sandbox: undefined,
      workspaceId: 'w'.repeat(64),
      logger: capture.logger,
      ...extra,
    });
    opened.push(tools);
    return { ...tools, capture };
  }
  function tool(tools: readonly AgentTool[], name: string): AgentTool {
    const found = tools.find((candidate) => candidate.definition.name === name);
    if (found === undefined) throw new Error(`no tool ${name}`);
    return found;
  }
  const run = (
    agentTool: AgentTool,
    args: Record<string, unknown>,
    signal = new AbortController().signal,
  ) => agentTool.run(args, { signal });

  /** A server that takes connections and never answers: a server that hangs. */
  async function hangingUrl(): Promise<string> {
    const silent = createServer(() => {});
    hanging.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp`;
  }

  it("lists a server's tools with their names, descriptions and input schemas", async () => {
    const http = await server();
    const { tools } = await open({ shttp_servers: [http.url] });
    expect(tools.map((entry) => entry.definition.name)).toEqual([
      'echo',
      'add',
      'environment',
      'fail',
      'slow',
    ]);
    expect(tool(tools, 'add').definition).toMatchObject({
      name: 'add',
      description: 'Adds two numbers.',
      parameters: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
    });
  });

  it('a call is an MCPAction and its result an MCPObservation with the result as JSON', async () => {
    const http = await server();
    const { tools } = await open({ shttp_servers: [{ url: http.url }] });
    const echo = tool(tools, 'echo');
    expect(echo.action({ text: 'hello' })).toEqual({
      action: 'call_tool_mcp',
      args: { name: 'echo', arguments: { text: 'hello' }, thought: '', security_risk: -1 },
    });
    expect(echo.needsConfirmation).toBe(true);
    const observation = await run(echo, { text: 'hello' });
    expect(observation).toEqual({
      observation: 'mcp',
      content: JSON.stringify({
        meta: null,
        content: [{ type: 'text', text: 'hello' }],
        structuredContent: null,
        isError: false,
      }),
      extras: { name: 'echo', arguments: { text: 'hello' } },
    });
    const sum = await run(tool(tools, 'add'), { a: 2, b: 3 });
    expect(JSON.parse(sum?.content ?? '')).toMatchObject({
      content: [{ type: 'text', text: '5' }],
      structuredContent: { sum: 5 },
      isError: false,
    });
  });

  it('a tool that throws, and arguments a tool refuses, are mcp observations with isError', async () => {
    const http = await server();
    const { tools } = await open({ shttp_servers: [http.url] });
    const failed = await run(tool(tools, 'fail'), {});
    expect(failed).toMatchObject({ observation: 'mcp', extras: { name: 'fail', arguments: {} } });
    const failure = JSON.parse(failed?.content ?? '') as { isError: boolean; content: unknown };
    expect(failure.isError).toBe(true);
    expect(JSON.stringify(failure.content)).toContain(failureText);
    const refused = await run(tool(tools, 'add'), { a: 'two' });
    expect(refused?.observation).toBe('mcp');
    expect(JSON.parse(refused?.content ?? '')).toMatchObject({ isError: true });
  });

  it('talks to an SSE server too', async () => {
    const http = await server();
    const { tools } = await open({ sse_servers: [{ url: http.sseUrl }] });
    const observation = await run(tool(tools, 'echo'), { text: 'over sse' });
    expect(JSON.parse(observation?.content ?? '')).toMatchObject({
      content: [{ type: 'text', text: 'over sse' }],
    });
  });

  it('a server that is down or hangs at start is logged and left out; the others work', async () => {
    const http = await server();
    const down = await server();
    const downUrl = down.url;
    await down.close();
    servers.splice(servers.indexOf(down), 1);
    const { tools, capture } = await open(
      { shttp_servers: [downUrl, await hangingUrl(), http.url] },
      { connectTimeoutMs: 300 },
    );
    expect(tools.map((entry) => entry.definition.name)).toContain('echo');
    expect(
      JSON.parse((await run(tool(tools, 'echo'), { text: 'still here' }))?.content ?? ''),
    ).toMatchObject({
      content: [{ text: 'still here' }],
    });
    const leftOut = capture
      .lines()
      .filter((line) => line['msg'] === 'MCP server left out: it could not be reached');
    expect(leftOut.map((line) => line['server'])).toEqual([
      `shttp:${downUrl}`,
      expect.stringMatching(/^shttp:http:\/\/127\.0\.0\.1:\d+\/mcp$/),
    ]);
    expect(leftOut[1]?.['reason']).toMatch(/did not finish in time|timed out/i);
  });

  it('sends the api key as a bearer token, and never logs it or a URL secret', async () => {
    const apiKey = 'mcp-key-7f3a91c2e5';
    const http = await server({ apiKey });
    const withSecretQuery = `${http.url}?token=query-secret-51d0`;
    const { tools, capture } = await open({
      shttp_servers: [
        { url: http.url, api_key: apiKey },
        { url: withSecretQuery, api_key: 'wrong-key-90ab' },
      ],
    });
    expect(tools.filter((entry) => entry.definition.name === 'echo')).toHaveLength(1);
    expect(http.authorizations).toContain(`Bearer ${apiKey}`);
    expect(http.authorizations).toContain('Bearer wrong-key-90ab');
    const logged = capture.text();
    expect(logged).toContain('MCP server left out');
    for (const secret of [apiKey, 'wrong-key-90ab', 'query-secret-51d0']) {
      expect(logged).not.toContain(secret);
    }
  });

  it('a tool whose name a built-in tool or an earlier server has is left out with a warning', async () => {
    const first = await server({ clashingTool: true });
    const second = await server();
    const { tools, capture } = await open({ shttp_servers: [first.url, second.url] });
    const names = tools.map((entry) => entry.definition.name);
    expect(names).not.toContain('think');
    expect(names.filter((name) => name === 'echo')).toHaveLength(1);
    const warned = capture
      .lines()
      .filter(
        (line) =>
          line['msg'] === 'MCP tool left out: a built-in tool or an earlier server has its name',
      )
      .map((line) => line['tool']);
    expect(warned).toEqual(['think', 'echo', 'add', 'environment', 'fail', 'slow']);
  });

  it("the turn's signal cancels a call at once (the server is told) with AbortedError", async () => {
    const http = await server();
    const { tools } = await open({ shttp_servers: [http.url] });
    const controller = new AbortController();
    const call = run(tool(tools, 'slow'), {}, controller.signal);
    await vi.waitFor(() => expect(http.slowCalls()).toBe(1));
    controller.abort(new Error('stop'));
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    await vi.waitFor(() => expect(http.cancellations).toEqual(['slow']));
    // The session still works.
    expect((await run(tool(tools, 'echo'), { text: 'after' }))?.observation).toBe('mcp');
  });

  it('a call past the server timeout is an mcp observation saying so', async () => {
    const http = await server();
    const { tools } = await open({ shttp_servers: [{ url: http.url, timeout: 1 }] });
    const observation = await run(tool(tools, 'slow'), {});
    expect(observation).toMatchObject({ observation: 'mcp', extras: { name: 'slow' } });
    expect(JSON.parse(observation?.content ?? '')).toEqual({
      isError: true,
      error: 'Tool "slow" timed out after 1 seconds',
      content: [],
    });
  });

  it('close ends the sessions; a call after it is an error observation, not a crash', async () => {
    const http = await server();
    const { tools, close } = await open({ shttp_servers: [http.url] });
    expect(http.openSessions()).toBe(1);
    await close();
    await close();
    expect(http.openSessions()).toBe(0);
    const observation = await run(tool(tools, 'echo'), { text: 'late' });
    expect(observation).toMatchObject({ observation: 'error' });
    expect(observation?.content).toMatch(/^MCP tool "echo" failed: /);
  });

  it('an abort while connecting closes what was opened and rejects with AbortedError', async () => {
    const http = await server();
    const controller = new AbortController();
    const opening = openMcpTools(
      { shttp_servers: [http.url, await hangingUrl()] },
      {
        sandbox: undefined,
        workspaceId: 'w',
        logger: createCapturingLogger().logger,
        signal: controller.signal,
      },
    );
    await vi.waitFor(() => expect(http.openSessions()).toBe(1));
    controller.abort(new Error('stopped'));
    await expect(opening).rejects.toBeInstanceOf(AbortedError);
    await vi.waitFor(() => expect(http.openSessions()).toBe(0));
  });

  it('no configuration, or a stored one that no longer fits the schema, gives no tools', async () => {
    expect((await open(null)).tools).toEqual([]);
    expect((await open({ sse_servers: [], stdio_servers: [], shttp_servers: [] })).tools).toEqual(
      [],
    );
    const invalid = await open({ sse_servers: [{ url: 'ftp://x', api_key: 'stored-key-3c1d' }] });
    expect(invalid.tools).toEqual([]);
    expect(invalid.capture.lines()).toContainEqual(
      expect.objectContaining({
        msg: 'the stored mcp_config is not valid; no MCP tools are offered',
        issues: ['sse_servers.0.url: The URL must start with http:// or https:// and name a host'],
      }),
    );
    expect(invalid.capture.text()).not.toContain('stored-key-3c1d');
  });
});
