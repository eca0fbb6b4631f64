/**
 * Shutdown stops work; it does not restart it (issue 12, item 4). Once shutdown begins no turn
 * starts; a message accepted just before stays in the log unanswered; messages sent afterwards are
 * refused (503 / an error frame) and append nothing; a restart reads `stopped`, not "interrupted".
 */
import type { ActionEvent } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { HeaderUserAuth, testUserHeader } from '../../support/header-user-auth.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();
const shutdownReason = 'The server is shutting down.';

interface StateChange {
  id: number;
  state: string;
  reason: string;
}

function stateChanges(events: readonly StoredEvent[]): StateChange[] {
  return events.flatMap((event) =>
    'observation' in event && event.observation === 'agent_state_changed'
      ? [
          {
            id: event.id,
            state: String(event.extras['agent_state']),
            reason: String(event.extras['reason'] ?? ''),
          },
        ]
      : [],
  );
}

function userMessage(content: string): ActionEvent {
  return {
    action: 'message',
    args: { content, image_urls: [], file_urls: [], wait_for_response: false },
  } as unknown as ActionEvent;
}

let agent: AgentTestApp | undefined;
afterEach(async () => {
  await agent?.cleanup();
  agent = undefined;
});

/** A conversation whose first turn streams slowly; resolves once its first delta is logged. */
async function midTurn(backend: (typeof backends)[number]): Promise<{ id: string }> {
  agent = await startAgentTestApp(backend);
  agent.llm.enqueue({ kind: 'reply', text: 'word '.repeat(400), chunkDelayMs: 20 });
  const id = await agent.create({ initial_user_msg: 'Tell me a long story' });
  await agent.untilLog(id, (events) => events.some((event) => 'streaming_delta' in event));
  return { id };
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`shutdown stops work (${backend.name})`, () => {
    it('a message whose append is in flight when shutdown stops the turn starts no turn', async () => {
      const { id } = await midTurn(backend);
      const running = agent as AgentTestApp;
      const loop = running.manager.loop(id);
      if (loop === undefined) throw new Error('no loop');
      // The message's append is queued; shutdown's `stopped` joins the same group commit after it.
      const accepted = loop.dispatch(userMessage('one more thing'));
      const closing = running.app.close();
      await Promise.allSettled([accepted]);
      await closing;

      const restarted = await running.server.api.restart({ userAuth: new HeaderUserAuth() });
      const events = (await restarted.eventStore.search(id)).events;
      const changes = stateChanges(events);
      const shutdownStop = changes.findIndex(
        (change) => change.state === 'stopped' && change.reason === shutdownReason,
      );
      expect(shutdownStop).toBeGreaterThanOrEqual(0);
      // Nothing ran after the shutdown's stop, and the restart found nothing to call interrupted.
      expect(changes.slice(shutdownStop + 1)).toEqual([]);
      expect(changes.at(-1)?.state).toBe('stopped');
      // The message is stored, unanswered: no agent message follows it.
      const message = events.find(
        (event) =>
          'action' in event &&
          event.action === 'message' &&
          event.args.content === 'one more thing',
      );
      expect(message).toBeDefined();
      const status = await restarted.http.inject({
        url: `/api/conversations/${id}`,
        headers: { [testUserHeader]: 'alice' },
      });
      expect(JSON.parse(status.body)).toMatchObject({ status: 'STOPPED' });
    });

    it('once the loops are closed, REST messages answer 503 and socket messages an error frame; nothing is appended', async () => {
      agent = await startAgentTestApp(backend);
      const id = await agent.create({});
      const client = await agent.connect(id);
      await agent.untilState(id, 'awaiting_user_input');
      await agent.manager.close();
      const before = (await agent.log(id)).length;

      const rest = await agent.api('POST', `/api/conversations/${id}/message`, { message: 'hi' });
      expect(rest.status).toBe(503);
      expect(rest.body).toMatchObject({ code: 'SERVER_SHUTTING_DOWN' });
      const started = await agent.api('POST', `/api/conversations/${id}/start`, {});
      expect(started.status).toBe(503);
      expect(started.body).toMatchObject({ code: 'SERVER_SHUTTING_DOWN' });

      client.socket.emit('oh_user_action', userMessage('hello'));
      await client.changes.until(() => client.errors.length > 0);
      expect(client.errors).toEqual([
        { error: true, code: 'SERVER_SHUTTING_DOWN', message: expect.any(String) },
      ]);
      await agent.app.eventStore.flush();
      expect(await agent.log(id)).toHaveLength(before);
    });
  });
}
