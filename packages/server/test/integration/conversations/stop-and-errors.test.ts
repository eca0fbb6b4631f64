import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../../src/config/load-config.js';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import type { FakeLlmBehaviour } from '../../support/fake-llm-server.js';
import type { SocketIoTestClient } from '../../support/realtime-clients.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();
const sqlite = backends.find((backend) => backend.name === 'sqlite');
if (sqlite === undefined) throw new Error('no SQLite backend');

type Loose = Record<string, unknown>;

const isState = (event: StoredEvent, state: string): boolean =>
  'observation' in event &&
  event.observation === 'agent_state_changed' &&
  event.extras['agent_state'] === state;

/** Status frames other than title updates (which the first message also causes). */
const statusUpdates = (client: SocketIoTestClient): Loose[] =>
  client.events.filter(
    (event) => event['status_update'] === true && event['conversation_title'] === undefined,
  );

let agent: AgentTestApp | undefined;
afterEach(async () => {
  await agent?.cleanup();
  agent = undefined;
});

/** A conversation waiting for input with a Socket.IO client attached. */
async function readyConversation(
  env: Environment = {},
  backend = sqlite,
): Promise<{ agent: AgentTestApp; id: string; client: SocketIoTestClient }> {
  agent = await startAgentTestApp(backend as NonNullable<typeof sqlite>, env);
  const id = await agent.create({});
  const client = await agent.connect(id);
  await agent.untilState(id, 'awaiting_user_input');
  return { agent, id, client };
}

function say(client: SocketIoTestClient, content: string): void {
  client.socket.emit('oh_user_action', { action: 'message', args: { content } });
}

for (const backend of backends) {
  describe(`stop means stop (${backend.name})`, () => {
    it('stops mid-stream: the LLM socket closes before the next chunk, nothing of the turn follows', async () => {
      // Order and cause, not time (the ≤ 100 ms figure is benchmark B7's): the provider holds its
      // fourth chunk until the test opens the gate, which it does only after the socket closed.
      const { agent, id, client } = await readyConversation({}, backend);
      agent.llm.enqueue({ kind: 'gated', afterChunks: 3, thenChunks: 200 });
      say(client, 'talk for a while');
      const llmRequest = await agent.llm.waitForRequest(0);
      await agent.untilLog(id, (events) => events.some((event) => 'streaming_delta' in event));
      expect(llmRequest.socketIsClosed).toBe(false);
      client.socket.emit('oh_user_action', {
        action: 'change_agent_state',
        args: { agent_state: 'stopped' },
      });
      await llmRequest.socketClosed;
      llmRequest.release();
      await llmRequest.responded;
      expect(llmRequest.chunksWritten).toBe(3);
      await agent.untilState(id, 'stopped');
      await agent.manager.loop(id)?.settled();
      await agent.app.eventStore.flush();
      const events = await agent.log(id);
      const stopIndex = events.findIndex((event) => isState(event, 'stopped'));
      expect(events.slice(stopIndex + 1)).toEqual([]);
      expect(events.some((event) => 'action' in event && event.source === 'agent')).toBe(false);
      expect(agent.llm.requests).toHaveLength(1);
    });

    it('stops mid-retry: POST /stop ends the retry sleep at once and the loop', async () => {
      const { agent, id, client } = await readyConversation(
        {
          LLM_NUM_RETRIES: '3',
          LLM_RETRY_MIN_WAIT_MS: '600000',
          LLM_RETRY_MAX_WAIT_MS: '600000',
          LLM_RETRY_MULTIPLIER_MS: '600000',
        },
        backend,
      );
      agent.llm.enqueue({ kind: 'status', status: 429 });
      say(client, 'hello');
      await agent.untilState(id, 'rate_limited');
      await client.changes.until(() => statusUpdates(client).length > 0);
      expect(statusUpdates(client)).toEqual([
        {
          status_update: true,
          type: 'info',
          id: 'STATUS$LLM_RETRY',
          message: 'Retrying LLM request, 1 / 3',
        },
      ]);
      const loop = agent.manager.loop(id);
      expect((await agent.api('POST', `/api/conversations/${id}/stop`)).status).toBe(200);
      // A 10-minute retry sleep that was not aborted would hold this past the test timeout.
      await loop?.settled();
      const events = await agent.log(id);
      expect(events.at(-1)).toMatchObject({ extras: { agent_state: 'stopped' } });
      expect(agent.llm.requests).toHaveLength(1);
      expect((await agent.api('GET', `/api/conversations/${id}`)).body).toMatchObject({
        status: 'STOPPED',
      });
    });
  });
}

describe('errors reach clients as upstream', () => {
  const mappings: [string, FakeLlmBehaviour, string][] = [
    ['authentication', { kind: 'status', status: 401 }, 'STATUS$ERROR_LLM_AUTHENTICATION'],
    [
      'service unavailable',
      { kind: 'status', status: 503 },
      'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
    ],
    [
      'internal server error',
      { kind: 'status', status: 500 },
      'STATUS$ERROR_LLM_INTERNAL_SERVER_ERROR',
    ],
    ['payment required', { kind: 'status', status: 402 }, 'STATUS$ERROR_LLM_OUT_OF_CREDITS'],
    [
      'an exceeded budget',
      { kind: 'status', status: 400, message: 'ExceededBudget: budget has been exceeded' },
      'STATUS$ERROR_LLM_OUT_OF_CREDITS',
    ],
    [
      'a content policy refusal',
      { kind: 'status', status: 400, message: 'blocked by the content_policy' },
      'STATUS$ERROR_LLM_CONTENT_POLICY_VIOLATION',
    ],
    [
      'a connection reset',
      { kind: 'reset-before-headers' },
      'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
    ],
  ];

  it.each(mappings)(
    '%s → status_update %s and state error',
    async (_label, behaviour, statusId) => {
      const { agent, id, client } = await readyConversation();
      agent.llm.enqueue(behaviour);
      say(client, 'hello');
      const events = await agent.untilState(id, 'error');
      await client.changes.until(() => statusUpdates(client).length > 0);
      const update = statusUpdates(client)[0] as Loose;
      expect(update).toMatchObject({ status_update: true, type: 'error', id: statusId });
      const state = events.at(-1) as unknown as { extras: { reason: string } };
      expect(state.extras.reason).toBe(update['message']);
      expect(state.extras.reason).not.toBe('');
      await client.untilId((events.at(-1) as StoredEvent).id);
    },
  );

  it('a rate limit that outlives the retries: state error with the rate-limited message, no status frame', async () => {
    const { agent, id, client } = await readyConversation();
    agent.llm.enqueue({ kind: 'status', status: 429 });
    say(client, 'hello');
    const events = await agent.untilState(id, 'error');
    expect(events.at(-1)).toMatchObject({
      extras: { agent_state: 'error', reason: 'CHAT_INTERFACE$AGENT_RATE_LIMITED_STOPPED_MESSAGE' },
    });
    await client.untilId((events.at(-1) as StoredEvent).id);
    expect(statusUpdates(client)).toEqual([]);
  });

  it('announces each retry, then answers', async () => {
    const { agent, id, client } = await readyConversation({ LLM_NUM_RETRIES: '2' });
    agent.llm.enqueue({ kind: 'status', status: 500 }, { kind: 'reply', text: 'Recovered.' });
    say(client, 'hello');
    const events = await agent
      .untilState(id, 'awaiting_user_input')
      .then(() =>
        agent.untilLog(id, (log) =>
          log.some((event) => 'action' in event && event.source === 'agent'),
        ),
      );
    expect(statusUpdates(client)).toEqual([
      {
        status_update: true,
        type: 'info',
        id: 'STATUS$LLM_RETRY',
        message: 'Retrying LLM request, 1 / 2',
      },
    ]);
    expect(events.filter((event) => 'action' in event && event.source === 'agent')).toHaveLength(1);
  });

  it('a stream cut after visible output: state error with a clear reason, never a second answer', async () => {
    const { agent, id, client } = await readyConversation({ LLM_NUM_RETRIES: '3' });
    agent.llm.enqueue(
      { kind: 'reset-mid-stream', afterChunks: 3 },
      { kind: 'reply', text: 'Again' },
    );
    say(client, 'hello');
    const events = await agent.untilState(id, 'error');
    const reason = (events.at(-1) as unknown as { extras: { reason: string } }).extras.reason;
    expect(reason).toContain('broke off in the middle of the answer');
    expect(events.some((event) => 'streaming_delta' in event)).toBe(true);
    expect(events.some((event) => 'action' in event && event.source === 'agent')).toBe(false);
    expect(agent.llm.requests).toHaveLength(1);
  });

  it('enforces max_iterations: state error with upstream reason', async () => {
    const { agent, id, client } = await readyConversation({ PARLEY_MAX_ITERATIONS: '1' });
    agent.llm.enqueue({
      kind: 'reply',
      toolCalls: [{ id: 'call-1', name: 'think', arguments: '{"thought":"again"}' }],
    });
    say(client, 'loop');
    const events = await agent.untilState(id, 'error');
    expect(events.at(-1)).toMatchObject({
      extras: {
        reason: 'Agent reached maximum iteration. Current iteration: 1, max iteration: 1',
      },
    });
    expect(agent.llm.requests).toHaveLength(1);
  });

  it("takes max_iterations and max_budget_per_task from the user's settings", async () => {
    agent = await startAgentTestApp(sqlite as NonNullable<typeof sqlite>, {
      LLM_PRICES: JSON.stringify({ 'openai/gpt-test': { input: 1_000_000, output: 1_000_000 } }),
    });
    const stored = await agent.api('POST', '/api/settings', {
      max_iterations: 1,
      max_budget_per_task: 0.5,
    });
    expect(stored.status).toBe(200);
    const id = await agent.create({});
    const row = await agent.app.database.kysely
      .selectFrom('conversations')
      .select('max_budget_per_task')
      .where('conversation_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(row.max_budget_per_task)).toBe(0.5);
    const client = await agent.connect(id);
    await agent.untilState(id, 'awaiting_user_input');
    agent.llm.enqueue({
      kind: 'reply',
      toolCalls: [{ id: 'call-1', name: 'think', arguments: '{"thought":"again"}' }],
      usage: { promptTokens: 0, completionTokens: 0 },
    });
    say(client, 'loop');
    const events = await agent.untilState(id, 'error');
    expect(events.at(-1)).toMatchObject({
      extras: {
        reason: 'Agent reached maximum iteration. Current iteration: 1, max iteration: 1',
      },
    });
  });

  it('enforces max_budget_per_task once the accumulated cost reaches it', async () => {
    const { agent, id, client } = await readyConversation({
      LLM_PRICES: JSON.stringify({ 'openai/gpt-test': { input: 1_000_000, output: 1_000_000 } }),
    });
    await agent.app.database.kysely
      .updateTable('conversations')
      .set({ max_budget_per_task: 0.5 })
      .where('conversation_id', '=', id)
      .execute();
    await agent.api('POST', `/api/conversations/${id}/stop`);
    agent.llm.enqueue({
      kind: 'reply',
      toolCalls: [{ id: 'call-1', name: 'think', arguments: '{"thought":"spend"}' }],
      usage: { promptTokens: 1, completionTokens: 1 },
    });
    say(client, 'spend');
    await client.untilDisconnected();
    await agent.api('POST', `/api/conversations/${id}/message`, { message: 'spend' });
    const events = await agent.untilState(id, 'error');
    expect((events.at(-1) as unknown as { extras: { reason: string } }).extras.reason).toBe(
      'Agent reached maximum budget for conversation. Current budget: 2.00, max budget: 0.50',
    );
    expect(agent.llm.requests).toHaveLength(1);
  });
});
