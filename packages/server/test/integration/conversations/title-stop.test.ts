/**
 * Stop stops everything of a conversation (issue 12, item 7): the title request is tied to the
 * conversation's lifetime, so a Stop closes its HTTP connection and ends its retry sleep; no title
 * request reaches the LLM after the stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../../src/config/load-config.js';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import type { RecordedRequest } from '../../support/fake-llm-server.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

/** Titles on, and a retry sleep far longer than any test: only an abort can end it. */
const slowRetries: Environment = {
  PARLEY_TITLE_FROM_LLM: 'true',
  LLM_NUM_RETRIES: '3',
  LLM_RETRY_MIN_WAIT_MS: '600000',
  LLM_RETRY_MAX_WAIT_MS: '600000',
  LLM_RETRY_MULTIPLIER_MS: '600000',
};

/** Under the title's own 30 s timeout, which is the only other way out of a stalled title call. */
const beforeTitleTimeout = { timeout: 20_000 };

const firstMessage = 'Please help me plan a long trip through the mountains';
const fallbackTitle = 'Please help me plan a long...';

const isTitleRequest = (request: RecordedRequest): boolean =>
  JSON.stringify(request.body).includes('Write a title');

let agent: AgentTestApp | undefined;
afterEach(async () => {
  await agent?.cleanup();
  agent = undefined;
});

async function titleOf(app: AgentTestApp, id: string): Promise<string> {
  return ((await app.api('GET', `/api/conversations/${id}`)).body as { title: string }).title;
}

/** Polls the stored title until it is no longer the default one (set when the title task ends). */
async function untilTitled(app: AgentTestApp, id: string): Promise<string> {
  for (;;) {
    const title = await titleOf(app, id);
    if (!title.startsWith('Conversation ')) return title;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Both requests (turn and title) arrive; resolves with the title request. */
async function titleRequestOf(app: AgentTestApp): Promise<RecordedRequest> {
  await app.llm.waitForRequest(1);
  const request = app.llm.requests.find(isTitleRequest);
  if (request === undefined) throw new Error('no title request');
  return request;
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(
    `the title follows the conversation (${backend.name})`,
    () => {
      it(
        'POST /stop during a stalled title request closes its connection; no retry follows',
        beforeTitleTimeout,
        async () => {
          agent = await startAgentTestApp(backend, slowRetries);
          // The turn and the title request both stall, whichever arrives first.
          agent.llm.enqueue({ kind: 'stall-before-headers' }, { kind: 'stall-before-headers' });
          const id = await agent.create({ initial_user_msg: firstMessage });
          const titleRequest = await titleRequestOf(agent);
          expect((await agent.api('POST', `/api/conversations/${id}/stop`)).status).toBe(200);
          // Without the conversation's signal the request would wait for its own 30 s timeout.
          await titleRequest.socketClosed;
          // The title task ended (the fallback title is stored), so nothing can retry any more.
          expect(await untilTitled(agent, id)).toBe(fallbackTitle);
          expect(agent.llm.requests.filter(isTitleRequest)).toHaveLength(1);
        },
      );

      it(
        'a stop (change_agent_state) during the title retry sleep ends it; no second title request',
        beforeTitleTimeout,
        async () => {
          agent = await startAgentTestApp(backend, slowRetries);
          // Both first requests fail with a retryable 500 and go to sleep for ten minutes.
          agent.llm.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
          const id = await agent.create({ initial_user_msg: firstMessage });
          const client = await agent.connect(id);
          await titleRequestOf(agent);
          // Both calls are in their retry sleep once each announced or recorded its retry: the turn
          // says so to the client; the title call is asleep once its response was read.
          await client.changes.until(() =>
            client.events.some((event) => event['id'] === 'STATUS$LLM_RETRY'),
          );
          client.socket.emit('oh_user_action', {
            action: 'change_agent_state',
            args: { agent_state: 'stopped' },
          });
          await agent.untilState(id, 'stopped');
          expect(await untilTitled(agent, id)).toBe(fallbackTitle);
          expect(agent.llm.requests.filter(isTitleRequest)).toHaveLength(1);
          expect(agent.llm.requests).toHaveLength(2);
        },
      );
    },
  );
}
