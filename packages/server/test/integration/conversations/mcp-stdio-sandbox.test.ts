import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  openMcpTools,
  type McpTools,
} from '../../../src/conversations/agent/mcp/open-mcp-tools.js';
import { workspaceIdFor } from '../../../src/conversations/conversation-workspace.js';
import type { AgentTool } from '../../../src/conversations/agent/tool-registry.js';
import { BubblewrapSandbox } from '../../../src/runtime/bubblewrap-sandbox.js';
import { AbortedError } from '../../../src/shared/errors.js';
import {
  bubblewrapAvailable,
  bubblewrapPath,
  processesWith,
  temporaryRoot,
} from '../../support/bubblewrap.js';
import { bundleStdioServer } from '../../support/mcp/stdio-server-bundle.js';
import { createCapturingLogger } from '../../support/test-logger.js';

const available = bubblewrapAvailable();

/** A stdio MCP server run inside the conversation's bubblewrap sandbox (`Sandbox.start`). */
describe.skipIf(!available)('MCP stdio servers in the sandbox', () => {
  const temporary = temporaryRoot('mcp');
  const { logger } = createCapturingLogger('silent');
  const workspaceId = workspaceIdFor('mcp conversation');
  const canary = 'parley-server-env-canary-19ac';
  let sandbox: BubblewrapSandbox;
  const opened: McpTools[] = [];

  beforeAll(async () => {
    sandbox = new BubblewrapSandbox({
      workspaceRoot: join(temporary.root, 'workspaces'),
      bubblewrapPath,
      logger,
    });
    // The server (SDK included) as one file, written into the workspace by the sandbox user.
    const script = readFileSync(await bundleStdioServer(temporary.root));
    const written = await sandbox.run(workspaceId, 'cat > mcp-test-server.mjs', { stdin: script });
    expect(written.exitCode).toBe(0);
    process.env['PARLEY_MCP_TEST_CANARY'] = canary;
  });
  afterEach(async () => {
    for (const tools of opened.splice(0)) await tools.close();
  });
  afterAll(async () => {
    delete process.env['PARLEY_MCP_TEST_CANARY'];
    await sandbox.close();
    temporary.remove();
  });

  async function open(env: Record<string, string> = {}) {
    const capture = createCapturingLogger('debug');
    const tools = await openMcpTools(
      { stdio_servers: [{ name: 'test', command: 'node', args: ['mcp-test-server.mjs'], env }] },
      { sandbox, workspaceId, logger: capture.logger },
    );
    opened.push(tools);
    return { ...tools, capture };
  }
  function tool(tools: readonly AgentTool[], name: string): AgentTool {
    const found = tools.find((candidate) => candidate.definition.name === name);
    if (found === undefined) throw new Error(`no tool ${name}`);
    return found;
  }
  const text = async (agentTool: AgentTool, args: Record<string, unknown>) => {
    const observation = await agentTool.run(args, { signal: new AbortController().signal });
    return (JSON.parse(observation?.content ?? '') as { content: { text: string }[] }).content[0]
      ?.text;
  };

  it('lists and calls the tools of a server running in the workspace', async () => {
    const { tools, capture } = await open();
    expect(tools.map((entry) => entry.definition.name)).toEqual([
      'echo',
      'add',
      'environment',
      'fail',
      'slow',
    ]);
    expect(capture.lines()).toContainEqual(
      expect.objectContaining({ msg: 'MCP server connected', server: 'stdio:test' }),
    );
    expect(await text(tool(tools, 'echo'), { text: 'from the sandbox' })).toBe('from the sandbox');
    expect(await text(tool(tools, 'add'), { a: 40, b: 2 })).toBe('42');
  });

  it("the server sees its own variables and the sandbox's home, never the server's environment", async () => {
    const { tools } = await open({ MCP_TEST_GREETING: 'hello' });
    const environment = tool(tools, 'environment');
    expect(await text(environment, { name: 'MCP_TEST_GREETING' })).toBe('hello');
    expect(await text(environment, { name: 'HOME' })).toBe('/workspace');
    expect(await text(environment, { name: 'PARLEY_MCP_TEST_CANARY' })).toBe('(unset)');
  });

  it('an abort cancels a call at once and the server answers the next', async () => {
    const { tools } = await open();
    const controller = new AbortController();
    const call = tool(tools, 'slow').run({}, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(call).rejects.toBeInstanceOf(AbortedError);
    expect(await text(tool(tools, 'echo'), { text: 'next' })).toBe('next');
  });

  it('close ends the server process in the sandbox', async () => {
    const { close } = await open();
    expect(processesWith('mcp-test-server.mjs').length).toBeGreaterThan(0);
    await close();
    await vi.waitFor(() => expect(processesWith('mcp-test-server.mjs')).toEqual([]));
  });

  it('a command the sandbox does not have is left out, saying how it ended', async () => {
    const capture = createCapturingLogger('debug');
    const tools = await openMcpTools(
      { stdio_servers: [{ name: 'missing', command: 'no-such-mcp-server' }] },
      { sandbox, workspaceId, logger: capture.logger },
    );
    opened.push(tools);
    expect(tools.tools).toEqual([]);
    const leftOut = capture
      .lines()
      .find((line) => line['msg'] === 'MCP server left out: it could not be reached');
    expect(leftOut?.['reason']).toMatch(/the server exited with status 127.*not found/);
  });

  it('without bubblewrap, a stdio server is left out saying what to install', async () => {
    const missing = new BubblewrapSandbox({
      workspaceRoot: join(temporary.root, 'other-workspaces'),
      bubblewrapPath: join(temporary.root, 'no-bwrap-here'),
      logger,
    });
    const capture = createCapturingLogger('debug');
    try {
      const tools = await openMcpTools(
        { stdio_servers: [{ name: 'test', command: 'node', args: ['mcp-test-server.mjs'] }] },
        { sandbox: missing, workspaceId, logger: capture.logger },
      );
      opened.push(tools);
      expect(tools.tools).toEqual([]);
      const leftOut = capture
        .lines()
        .find((line) => line['msg'] === 'MCP server left out: it could not be reached');
      expect(leftOut?.['reason']).toMatch(/the server failed: .*apt-get install/);
    } finally {
      await missing.close();
    }
  });
});
