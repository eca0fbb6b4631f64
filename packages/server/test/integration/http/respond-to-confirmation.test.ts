/**
 * `POST /api/conversations/{id}/events/respond_to_confirmation` over a real server: it hands the
 * conversation a `change_agent_state` action when (and only when) the agent awaits confirmation.
 * The agent loops are the log-only stand-in, so the test decides the logged agent state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CmdRunAction } from '@parley/protocol';
import { agentStateChanged, runAction } from '../../support/event-fixtures.js';
import { testUserHeader } from '../../support/header-user-auth.js';
import { startRealtimeApp, type RealtimeTestApp } from '../../support/realtime-app.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

for (const backend of backends) {
  describe.skipIf(!backend.available)(`respond_to_confirmation on ${backend.name}`, () => {
    let server: RealtimeTestApp;

    afterEach(async () => {
      await server.cleanup();
    });

    async function respond(
      conversationId: string,
      body: unknown,
      user = 'alice',
    ): Promise<{ status: number; body: Record<string, unknown> }> {
      const response = await fetch(
        `${server.url}/api/conversations/${encodeURIComponent(conversationId)}/events/respond_to_confirmation`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', [testUserHeader]: user },
          body: JSON.stringify(body),
        },
      );
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    /** A conversation whose agent ran a command that now waits for the user's answer. */
    async function awaitingConfirmation(): Promise<string> {
      const id = await server.newConversation();
      const command = runAction('rm -rf build') as CmdRunAction;
      const awaiting: CmdRunAction = {
        ...command,
        args: { ...command.args, confirmation_state: 'awaiting_confirmation' },
      };
      await server.append(id, [awaiting, agentStateChanged('awaiting_user_confirmation', 'agent')]);
      return id;
    }

    async function latestEvent(id: string): Promise<Record<string, unknown>> {
      const { events } = await server.app.eventStore.search(id, { reverse: true, limit: 1 });
      return events[0] as unknown as Record<string, unknown>;
    }

    it('accept: the conversation gets a user_confirmed change_agent_state action', async () => {
      server = await startRealtimeApp(backend);
      const id = await awaitingConfirmation();
      const answer = await respond(id, { accept: true });
      expect(answer).toEqual({ status: 200, body: { success: true } });
      const latest = await latestEvent(id);
      expect(latest).toMatchObject({
        source: 'user',
        action: 'change_agent_state',
        args: { agent_state: 'user_confirmed' },
      });
      expect(latest['args']).not.toHaveProperty('thought');
    });

    it('reject: user_rejected with the reason as its thought; no reason, no thought', async () => {
      server = await startRealtimeApp(backend);
      const id = await awaitingConfirmation();
      expect(await respond(id, { accept: false, reason: 'Not on my disk' })).toMatchObject({
        status: 200,
      });
      expect(await latestEvent(id)).toMatchObject({
        action: 'change_agent_state',
        args: { agent_state: 'user_rejected', thought: 'Not on my disk' },
      });

      const other = await awaitingConfirmation();
      expect((await respond(other, { accept: false, ignored: 1 })).status).toBe(200);
      const latest = await latestEvent(other);
      expect(latest).toMatchObject({ args: { agent_state: 'user_rejected' } });
      expect(latest['args']).not.toHaveProperty('thought');
    });

    it('409 AGENT_NOT_AWAITING_CONFIRMATION and nothing logged when the agent awaits no confirmation', async () => {
      server = await startRealtimeApp(backend);
      const id = await server.newConversation();
      const before = await server.app.eventStore.count(id);
      const answer = await respond(id, { accept: true });
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        code: 'AGENT_NOT_AWAITING_CONFIRMATION',
        message: "No action is waiting for confirmation: the agent's state is awaiting_user_input",
      });
      expect(await server.app.eventStore.count(id)).toBe(before);
    });

    it('409 when the loop is not running, even if the log still says it awaited confirmation', async () => {
      server = await startRealtimeApp(backend);
      const id = await server.newConversation();
      const stopped = await fetch(`${server.url}/api/conversations/${id}/stop`, {
        method: 'POST',
        headers: { [testUserHeader]: 'alice' },
      });
      expect(stopped.status).toBe(200);
      await server.append(id, [agentStateChanged('awaiting_user_confirmation', 'agent')]);
      const before = await server.app.eventStore.count(id);
      const answer = await respond(id, { accept: false });
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({
        code: 'AGENT_NOT_AWAITING_CONFIRMATION',
        message:
          'No action is waiting for confirmation: the agent of this conversation is not running',
      });
      expect(await server.app.eventStore.count(id)).toBe(before);
    });

    it("another user's conversation and an unknown one are 404, and nothing is logged", async () => {
      server = await startRealtimeApp(backend);
      const id = await awaitingConfirmation();
      const before = await server.app.eventStore.count(id);
      const foreign = await respond(id, { accept: true }, 'bob');
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
      expect((await respond('0123456789abcdef', { accept: true })).status).toBe(404);
      expect(await server.app.eventStore.count(id)).toBe(before);
    });

    it.each([
      ['no accept', {}],
      ['accept not a boolean', { accept: 'yes' }],
      ['a reason that is not text', { accept: false, reason: 7 }],
    ])('422 for a body with %s, and nothing is logged', async (_label, body) => {
      server = await startRealtimeApp(backend);
      const id = await awaitingConfirmation();
      const before = await server.app.eventStore.count(id);
      const answer = await respond(id, body);
      expect(answer.status).toBe(422);
      expect(JSON.stringify(answer.body)).toMatch(/accept|reason/);
      expect(await server.app.eventStore.count(id)).toBe(before);
    });
  });
}
