import { afterEach, describe, expect, it } from 'vitest';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { createSqliteDatabase } from '../../support/test-databases.js';

const sqlite = { name: 'sqlite' as const, available: true, create: createSqliteDatabase };

/** The secrets of a user's mcp_config are masked in the conversation's events, as LLM keys are. */
describe('MCP secrets in events', () => {
  let agent: AgentTestApp | undefined;
  afterEach(async () => {
    await agent?.cleanup();
    agent = undefined;
  });

  it("masks the servers' API keys, URL secrets and secret-looking variables, not other values", async () => {
    agent = await startAgentTestApp(sqlite);
    const mcpConfig = {
      shttp_servers: [
        { url: 'https://mcp.example.com/mcp?api_key=query-key-41c9', api_key: 'mcp-key-7d1e' },
      ],
      sse_servers: ['https://user:url-pass-0b3f@sse.example.com/sse'],
      stdio_servers: [
        {
          name: 'gh',
          command: 'gh-mcp',
          env: { GITHUB_TOKEN: 'gh-token-55aa', MODE: 'verbose-mode' },
        },
      ],
    };
    expect((await agent.api('POST', '/api/settings', { mcp_config: mcpConfig })).status).toBe(200);
    const secrets = ['query-key-41c9', 'mcp-key-7d1e', 'url-pass-0b3f', 'gh-token-55aa'];
    const id = await agent.create({ initial_user_msg: `${secrets.join(' ')} verbose-mode` });
    const log = await agent.untilLog(id, (events) =>
      events.some(
        (event) => event.source === 'user' && 'action' in event && event.action === 'message',
      ),
    );
    const message = log.find((event) => event.source === 'user' && 'action' in event);
    expect(message).toMatchObject({
      args: { content: `${Array(4).fill('<secret_hidden>').join(' ')} verbose-mode` },
    });
    const rest = (await agent.api('GET', `/api/conversations/${id}/events?limit=100`)).text;
    for (const secret of secrets) expect(rest).not.toContain(secret);
  });
});
