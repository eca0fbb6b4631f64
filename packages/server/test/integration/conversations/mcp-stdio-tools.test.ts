import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  openMcpTools,
  type McpTools,
} from '../../../src/conversations/agent/mcp/open-mcp-tools.js';
import type { AgentTool } from '../../../src/conversations/agent/tool-registry.js';
import { AbortedError } from '../../../src/shared/errors.js';
import { HostProcessSandbox } from '../../support/mcp/host-process-sandbox.js';
import { bundleStdioServer } from '../../support/mcp/stdio-server-bundle.js';
import { createCapturingLogger } from '../../support/test-logger.js';

/**
 * Stdio MCP servers through `openMcpTools`, started by `McpSandbox.start` (here on the host, by
 * test/support's HostProcessSandbox; the bubblewrap suite runs the same server in the sandbox).
 */
describe('MCP tools over stdio', () => {
  let directory: string;
  let serverScript: string;
  const opened: McpTools[] = [];
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'parley-mcp-stdio-'));
    serverScript = await bundleStdioServer(directory);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  afterEach(async () => {
    for (const tools of opened.splice(0)) await tools.close();
  });

  async function open(config: unknown, sandbox = new HostProcessSandbox(directory)) {
    const capture = createCapturingLogger('debug');
    const tools = await openMcpTools(config, {
      sandbox,
      workspaceId: 'conversation-workspace',
      logger: capture.logger,
    });
    opened.push(tools);
    return { ...tools, capture, sandbox };
  }
  const testServer = (env: Record<string, string> = {}) => ({
    name: 'test',
    command: 'node',
    args: [serverScript],
    env,
  });
  function tool(tools: readonly AgentTool[], name: string): AgentTool {
    const found = tools.find((candidate) => candidate.definition.name === name);
    if (found === undefined) throw new Error(`no tool ${name}`);
    return found;
  }
  const text = async (
    agentTool: AgentTool,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ) => {
    const observation = await agentTool.run(args, {
      signal: signal ?? new AbortController().signal,
    });
    const result = JSON.parse(observation?.content ?? '') as { content: { text: string }[] };
    return result.content[0]?.text;
  };

  it("starts the server with its arguments quoted and its variables, in the conversation's workspace", async () => {
    const { tools, sandbox } = await open({
      stdio_servers: [testServer({ MCP_TEST_GREETING: "it's me" })],
    });
    expect(sandbox.started).toEqual([
      {
        workspaceId: 'conversation-workspace',
        command: `exec 'node' '${serverScript}'`,
        env: { MCP_TEST_GREETING: "it's me" },
      },
    ]);
    expect(tools.map((entry) => entry.definition.name)).toEqual([
      'echo',
      'add',
      'environment',
      'fail',
      'slow',
    ]);
    expect(await text(tool(tools, 'echo'), { text: 'over stdio' })).toBe('over stdio');
    expect(await text(tool(tools, 'environment'), { name: 'MCP_TEST_GREETING' })).toBe("it's me");
  });

  it('a server that exits at start is left out, with its exit and standard error in the log', async () => {
    const { tools, capture } = await open({
      stdio_servers: [
        {
          name: 'broken',
          command: 'node',
          args: ['-e', 'console.error("no such module"); process.exit(3)'],
        },
        testServer(),
      ],
    });
    expect(tools.map((entry) => entry.definition.name)).toContain('echo');
    const leftOut = capture
      .lines()
      .find((line) => line['msg'] === 'MCP server left out: it could not be reached');
    expect(leftOut).toMatchObject({ server: 'stdio:broken', transport: 'stdio' });
    expect(leftOut?.['reason']).toMatch(
      /the server exited with status 3; standard error ends with: no such module/,
    );
  });

  it('a line on standard output that is not JSON-RPC is logged at debug and skipped', async () => {
    const { tools, capture } = await open({
      stdio_servers: [
        {
          name: 'chatty',
          command: 'sh',
          args: ['-c', `echo 'starting up'; exec node '${serverScript}'`],
        },
      ],
    });
    expect(await text(tool(tools, 'echo'), { text: 'works' })).toBe('works');
    expect(capture.lines()).toContainEqual(
      expect.objectContaining({
        level: 20,
        msg: 'MCP server error',
        server: 'stdio:chatty',
        reason: expect.stringContaining(
          'The MCP server wrote a line that is not a JSON-RPC message',
        ),
      }),
    );
  });

  it("a server's variable values never reach the log", async () => {
    const { capture } = await open({
      stdio_servers: [
        {
          name: 'leaky',
          command: 'node',
          args: ['-e', 'console.error(process.env.TOKEN); process.exit(1)'],
          env: { TOKEN: 'stdio-token-8e21' },
        },
      ],
    });
    expect(capture.text()).toContain('MCP server left out');
    expect(capture.text()).not.toContain('stdio-token-8e21');
  });

  it('an abort cancels a slow call at once; the server then still answers', async () => {
    const { tools } = await open({ stdio_servers: [testServer()] });
    const controller = new AbortController();
    const call = tool(tools, 'slow').run({}, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    expect(await text(tool(tools, 'echo'), { text: 'after' })).toBe('after');
  });

  it('close ends the server process', async () => {
    const { close, sandbox } = await open({ stdio_servers: [testServer()] });
    expect(sandbox.running).toBe(1);
    await close();
    expect(sandbox.running).toBe(0);
  });

  it('a server that dies mid-conversation: a call under way and later calls fail cleanly', async () => {
    const { tools, sandbox } = await open({ stdio_servers: [testServer()] });
    const under = tool(tools, 'slow').run({}, { signal: new AbortController().signal });
    sandbox.killAll();
    expect(await under).toMatchObject({
      observation: 'mcp',
      content: JSON.stringify({
        isError: true,
        error: 'MCP error -32000: Connection closed',
        content: [],
      }),
    });
    await vi.waitFor(() => expect(sandbox.running).toBe(0));
    const later = await tool(tools, 'echo').run(
      { text: 'x' },
      { signal: new AbortController().signal },
    );
    expect(later).toMatchObject({
      observation: 'error',
      content: 'MCP tool "echo" failed: Not connected',
    });
  });

  it('without a sandbox, stdio servers are left out, saying why', async () => {
    const capture = createCapturingLogger();
    const tools = await openMcpTools(
      { stdio_servers: [testServer()] },
      { sandbox: undefined, workspaceId: 'w', logger: capture.logger },
    );
    opened.push(tools);
    expect(tools.tools).toEqual([]);
    await vi.waitFor(() =>
      expect(capture.lines()).toContainEqual(
        expect.objectContaining({
          server: 'stdio:test',
          reason: 'No sandbox is available to run stdio servers',
        }),
      ),
    );
  });
});
