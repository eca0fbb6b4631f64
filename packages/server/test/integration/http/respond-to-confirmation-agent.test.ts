/**
 * Confirmation mode over the V1 face with the real agent loop, a scripted model (the local fake
 * LLM server) and real bubblewrap: the V1 history shows the action awaiting confirmation and the
 * `waiting_for_confirmation` status; `respond_to_confirmation` runs it (its output as deltas with
 * `action_id`, then its observation) or rejects it with the reason; a late answer is a 409.
 */
import type { V1Event } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { bubblewrapAvailable, temporaryRoot } from '../../support/bubblewrap.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = (await testDatabaseBackends()).slice(0, 1);

function call(id: string, command: string) {
  return { id, name: 'execute_bash', arguments: JSON.stringify({ command }) };
}

for (const backend of backends) {
  describe.skipIf(!bubblewrapAvailable())(
    `respond_to_confirmation with the agent (${backend.name})`,
    () => {
      let agent: AgentTestApp;
      let workspaces: { root: string; remove: () => void };
      beforeEach(async () => {
        workspaces = temporaryRoot('respond-to-confirmation');
        agent = await startAgentTestApp(backend, { PARLEY_WORKSPACE_DIR: workspaces.root });
        const settings = await agent.api('POST', '/api/settings', {
          llm_model: 'openai/gpt-test',
          llm_base_url: agent.llm.baseUrl,
          llm_api_key: 'sk-test-key',
          confirmation_mode: true,
        });
        expect(settings.status).toBe(200);
      });
      afterEach(async () => {
        await agent.cleanup();
        workspaces.remove();
      });

      async function v1Events(id: string, kind?: string): Promise<V1Event[]> {
        const query = new URLSearchParams({ conversation_id__eq: id });
        if (kind !== undefined) query.set('kind__eq', kind);
        const page = await agent.api('GET', `/api/v1/events/search?${query}`);
        expect(page.status).toBe(200);
        return (page.body as { items: V1Event[] }).items;
      }

      const respond = (id: string, body: unknown) =>
        agent.api('POST', `/api/conversations/${id}/events/respond_to_confirmation`, body);

      it('accept runs the waiting command; the V1 history shows it waiting, then its output', async () => {
        agent.llm.enqueue(
          { kind: 'reply', toolCalls: [call('call-1', 'echo confirmed')] },
          { kind: 'reply', text: 'Done.' },
        );
        const id = await agent.create({ initial_user_msg: 'go' });
        await agent.untilState(id, 'awaiting_user_confirmation');
        const [action] = await v1Events(id, 'ActionEvent');
        expect(action).toMatchObject({
          action: { kind: 'ExecuteBashAction', command: 'echo confirmed' },
          confirmation_state: 'awaiting_confirmation',
          tool_call_id: 'call-1',
        });
        const statuses = (await v1Events(id, 'ConversationStateUpdateEvent')).map(
          (event) => event.kind === 'ConversationStateUpdateEvent' && event.value,
        );
        expect(statuses.at(-1)).toBe('waiting_for_confirmation');

        expect(await respond(id, { accept: true })).toMatchObject({
          status: 200,
          body: { success: true },
        });
        await agent.untilState(id, 'awaiting_user_input');
        const observations = await v1Events(id, 'ObservationEvent');
        expect(observations).toEqual([
          expect.objectContaining({
            action_id: action?.id,
            observation: expect.objectContaining({ output: 'confirmed\n', exit_code: 0 }),
          }),
        ]);
        const deltas = await v1Events(id, 'StreamingDeltaEvent');
        const output = deltas
          .filter((delta) => delta.kind === 'StreamingDeltaEvent' && delta.action_id === action?.id)
          .map((delta) => (delta.kind === 'StreamingDeltaEvent' ? delta.content : ''))
          .join('');
        expect(output).toBe('confirmed\n');

        // Nothing waits any more: a second answer is refused and logs nothing.
        const before = (await agent.log(id)).length;
        const late = await respond(id, { accept: true });
        expect(late.status).toBe(409);
        expect(late.body).toMatchObject({ code: 'AGENT_NOT_AWAITING_CONFIRMATION' });
        expect((await agent.log(id)).length).toBe(before);
      });

      it('reject: the command never runs and the rejection carries the reason', async () => {
        agent.llm.enqueue(
          { kind: 'reply', toolCalls: [call('call-1', `touch /workspace/ran`)] },
          { kind: 'reply', text: 'Understood.' },
        );
        const id = await agent.create({ initial_user_msg: 'go' });
        await agent.untilState(id, 'awaiting_user_confirmation');
        const [action] = await v1Events(id, 'ActionEvent');
        expect((await respond(id, { accept: false, reason: 'Not today' })).status).toBe(200);
        await agent.untilState(id, 'awaiting_user_input');
        expect(await v1Events(id, 'UserRejectObservation')).toEqual([
          expect.objectContaining({ action_id: action?.id, rejection_reason: 'Not today' }),
        ]);
        expect(await v1Events(id, 'ObservationEvent')).toEqual([]);
        expect(JSON.stringify(agent.llm.requests[1]?.body)).toContain('Not today');
      });
    },
  );
}
