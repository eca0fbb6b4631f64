/**
 * R14, "secrets stay secret": an OpenAI-compatible provider answers 401 with the request's
 * `Authorization` header in its error text (some gateways do). The API key must then appear in no
 * log line (at trace level, every line is read), no Socket.IO or V1 frame, no event and no REST
 * response; `<secret_hidden>` stands in its place. Also for the server's own key, credentials in
 * a base URL and a custom secret the user typed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAgentTestApp, type AgentTestApp } from '../support/agent-test-app.js';
import { testUserHeader } from '../support/header-user-auth.js';
import { V1TestClient, type SocketIoTestClient } from '../support/realtime-clients.js';
import { createSqliteDatabase } from '../support/test-databases.js';
import { createCapturingLogger } from '../support/test-logger.js';

const sqlite = { name: 'sqlite' as const, available: true, create: createSqliteDatabase };
const placeholder = '<secret_hidden>';

let agent: AgentTestApp | undefined;
const v1Clients: V1TestClient[] = [];
afterEach(async () => {
  for (const client of v1Clients.splice(0)) client.close();
  await agent?.cleanup();
  agent = undefined;
});

interface Exits {
  /** Every log line, at trace level, as written. */
  logText: string;
  socketIo: SocketIoTestClient;
  v1: V1TestClient;
  /** The REST answers read about the conversation. */
  rest: string;
}

/**
 * Starts an app logging at trace level, applies `settings`, creates a conversation watched over
 * Socket.IO and V1, lets the fake provider answer 401 with the key echoed, and collects every
 * way text left the process.
 */
async function failWithEchoedKey(
  env: Record<string, string>,
  settings: ((llmBaseUrl: string) => Record<string, unknown>) | undefined,
  message = 'hello',
): Promise<Exits & { agent: AgentTestApp; capturedAuthorization: string | undefined }> {
  const captured = createCapturingLogger('trace');
  agent = await startAgentTestApp(sqlite, env, {
    logger: captured.logger,
    secretRegistry: captured.secrets,
  });
  if (settings !== undefined) {
    const body = settings(agent.llm.baseUrl);
    expect((await agent.api('POST', '/api/settings', body)).status).toBe(200);
  }
  const id = await agent.create({});
  const socketIo = await agent.connect(id);
  const v1 = new V1TestClient(`${agent.server.wsUrl}/sockets/events/${id}?resend_all=true`, {
    [testUserHeader]: 'alice',
  });
  v1Clients.push(v1);
  await agent.untilState(id, 'awaiting_user_input');
  await v1.untilId(0);
  agent.llm.enqueue({
    kind: 'status',
    status: 401,
    message: 'Incorrect API key provided',
    echoAuthorization: true,
  });
  socketIo.socket.emit('oh_user_action', { action: 'message', args: { content: message } });
  const log = await agent.untilState(id, 'error');
  const lastId = log.at(-1)?.id ?? 0;
  await socketIo.untilId(lastId);
  await v1.untilId(lastId);
  await socketIo.changes.until(() =>
    socketIo.events.some((event) => event['status_update'] === true && event['type'] === 'error'),
  );
  const rest = [
    await agent.api('GET', `/api/conversations/${id}/events?limit=100`),
    await agent.api('GET', `/api/conversations/${id}`),
    await agent.api('GET', '/api/conversations'),
  ]
    .map((response) => response.text)
    .join('\n');
  const request = agent.llm.requests.find((recorded) =>
    JSON.stringify(recorded.body).includes(message),
  );
  return {
    agent,
    logText: captured.text(),
    socketIo,
    v1,
    rest,
    capturedAuthorization: request?.headers['authorization'],
  };
}

function expectHidden(exits: Exits, secret: string): void {
  const frames = JSON.stringify([exits.socketIo.events, exits.v1.frames]);
  for (const [exit, text] of [
    ['log', exits.logText],
    ['frames', frames],
    ['REST', exits.rest],
  ] as const) {
    expect({ exit, leaked: text.includes(secret) }).toEqual({ exit, leaked: false });
  }
}

describe('secrets stay secret (R14)', () => {
  it("the user's API key, echoed by the provider's 401, is masked in logs, frames, events and REST", async () => {
    const userKey = 'sk-user-7f3a9c-very-secret';
    const exits = await failWithEchoedKey({}, (llmBaseUrl) => ({
      llm_model: 'openai/gpt-user',
      llm_api_key: userKey,
      llm_base_url: llmBaseUrl,
    }));
    // The provider really received the key, and echoed it.
    expect(exits.capturedAuthorization).toBe(`Bearer ${userKey}`);
    expectHidden(exits, userKey);
    // Where the echo would have been, the placeholder is.
    const failedLine = exits.logText
      .split('\n')
      .find((line) => line.includes('"msg":"LLM call failed"'));
    expect(failedLine).toContain(placeholder);
    const frame = exits.socketIo.events.find(
      (event) => event['status_update'] === true && event['type'] === 'error',
    );
    expect(frame).toMatchObject({ id: 'STATUS$ERROR_LLM_AUTHENTICATION' });
    expect(String(frame?.['message'])).toContain(`you sent: Bearer ${placeholder}`);
    expect(exits.rest).toContain(placeholder);
  });

  it("the server's own key (LLM_API_KEY) is masked the same way", async () => {
    const serverKey = 'sk-server-4b1d-also-secret';
    const exits = await failWithEchoedKey({ LLM_API_KEY: serverKey }, undefined);
    expect(exits.capturedAuthorization).toBe(`Bearer ${serverKey}`);
    expectHidden(exits, serverKey);
    expect(exits.logText).toContain(placeholder);
  });

  it('credentials in a base URL never leave the process, whatever fails with them', async () => {
    const password = 'pw-8c1d-secret';
    const exits = await failWithEchoedKey({}, (llmBaseUrl) => ({
      llm_model: 'openai/gpt-user',
      llm_api_key: 'sk-some-user-key',
      llm_base_url: llmBaseUrl.replace('http://', `http://parley:${password}@`),
    }));
    expectHidden(exits, password);
    expect(exits.logText).toContain(placeholder);
  });

  it('a custom secret the user typed is masked in the log, the frames, the title and REST', async () => {
    // Short enough for the whole message to become the title.
    const custom = 'tok-9d2e-secret';
    const captured = createCapturingLogger('trace');
    agent = await startAgentTestApp(
      sqlite,
      {},
      {
        logger: captured.logger,
        secretRegistry: captured.secrets,
      },
    );
    const created = await agent.api('POST', '/api/secrets', {
      name: 'GITHUB_TOKEN',
      value: custom,
    });
    expect(created.status).toBe(201);
    const id = await agent.create({});
    const socketIo = await agent.connect(id);
    await agent.untilState(id, 'awaiting_user_input');
    socketIo.socket.emit('oh_user_action', {
      action: 'message',
      args: { content: `my token is ${custom}` },
    });
    await socketIo.changes.until(() =>
      socketIo.events.some((event) => event['conversation_title'] !== undefined),
    );
    const log = await agent.untilState(id, 'awaiting_user_input');
    await socketIo.untilId(log.at(-1)?.id ?? 0);
    const rest = [
      await agent.api('GET', `/api/conversations/${id}`),
      await agent.api('GET', `/api/conversations/${id}/events?limit=100`),
    ].map((response) => response.text);
    const exits: Exits = {
      logText: captured.text(),
      socketIo,
      v1: { frames: [] } as unknown as V1TestClient,
      rest: rest.join('\n'),
    };
    expectHidden(exits, custom);
    expect(
      socketIo.events.find((event) => event['conversation_title'] !== undefined)?.[
        'conversation_title'
      ],
    ).toBe(`my token is ${placeholder}`);
    // The LLM still got the user's words as the log holds them: masked.
    expect(JSON.stringify(agent.llm.requests.map((request) => request.body))).not.toContain(custom);
  });

  it("an error body quotes a user's own secret masked, and never masks another user's", async () => {
    const captured = createCapturingLogger('trace');
    agent = await startAgentTestApp(
      sqlite,
      {},
      {
        logger: captured.logger,
        secretRegistry: captured.secrets,
      },
    );
    const aliceSecret = 'alice-only-5e6f-value';
    await agent.api('POST', '/api/secrets', { name: 'TOKEN', value: aliceSecret });
    // A 404 that quotes the caller's own text: alice's own value is hidden from her…
    const alice = await agent.api('DELETE', `/api/secrets/${aliceSecret}`);
    expect(alice.status).toBe(404);
    expect(alice.text).not.toContain(aliceSecret);
    expect(alice.text).toContain(placeholder);
    // …while bob, typing the same text, sees it as typed: masking tells nobody what others hold.
    const bob = await agent.api('DELETE', `/api/secrets/${aliceSecret}`, undefined, 'bob');
    expect(bob.status).toBe(404);
    expect(bob.text).toContain(aliceSecret);
    expect(captured.text()).not.toContain(aliceSecret);
  });
});
