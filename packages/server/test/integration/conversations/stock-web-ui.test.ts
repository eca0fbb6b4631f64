/**
 * What the stock OpenHands web UI (0.62, V0 mode) sends and reads, found by running it against
 * Parley (issue 14).
 *
 * - Its first-run settings modal lists `GET /api/options/models` (`["demo"]`) under the provider
 *   "other" and saves the choice as `other/demo` (the recorded body in
 *   `fixtures/stock-ui-0.62/settings-modal-save.json`); that must be the demo model.
 * - It keeps an event for its chat, and refreshes its changes tab after a command or an edit, only
 *   when the event has `id`, `source`, `message` and `timestamp` (`isOpenHandsEvent` in its
 *   `types/core/guards.ts`), as upstream serializes every action and observation. The tools run
 *   in real bubblewrap.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { bubblewrapAvailable, temporaryRoot } from '../../support/bubblewrap.js';
import type { StoredEvent } from '../../../src/events/event-store.js';
import type { SocketIoTestClient } from '../../support/realtime-clients.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = (await testDatabaseBackends()).slice(0, 1);
const canRun = bubblewrapAvailable();

type Loose = Record<string, unknown>;

/** The query the stock UI connects with when the conversation has no session key. */
const stockUiQuery = { providers_set: '', session_api_key: 'null' };

function call(id: string, name: string, args: Loose) {
  return { id, name, arguments: JSON.stringify(args) };
}

function toolEvents(client: SocketIoTestClient): Loose[] {
  return client.events.filter(
    (event) =>
      ('action' in event && event['action'] !== 'message') ||
      ('observation' in event && event['observation'] !== 'agent_state_changed'),
  );
}

/** The stock UI's `isOpenHandsEvent`. */
function keptByStockUi(event: Loose): boolean {
  return ['id', 'source', 'message', 'timestamp'].every((key) => key in event);
}

function summary(event: Loose): Loose {
  return {
    kind: event['action'] ?? event['observation'],
    source: event['source'],
    message: event['message'],
  };
}

const settingsModalSave = JSON.parse(
  readFileSync(
    new URL('../../fixtures/stock-ui-0.62/settings-modal-save.json', import.meta.url),
    'utf8',
  ),
) as Loose;

for (const backend of backends) {
  describe(`the stock web UI's first-run settings (${backend.name})`, () => {
    let agent: AgentTestApp;
    beforeEach(async () => {
      agent = await startAgentTestApp(backend, {
        LLM_MODEL: 'demo',
        LLM_BASE_URL: '',
        LLM_API_KEY: '',
        PARLEY_DEMO_TOKEN_DELAY_MS: '0',
      });
    });
    afterEach(async () => {
      await agent.cleanup();
    });

    it('other/demo, as its settings modal saves the listed demo model, is the demo model', async () => {
      const models = await agent.api('GET', '/api/options/models');
      expect(models.body).toEqual(['demo']);
      expect(settingsModalSave['llm_model']).toBe('other/demo');
      const saved = await agent.api('POST', '/api/settings', settingsModalSave);
      expect(saved.status).toBe(200);
      // The stock UI creates with an empty body, then sends the message over Socket.IO.
      const created = await agent.api('POST', '/api/conversations', {});
      expect(created.status).toBe(200);
      const id = (created.body as { conversation_id: string }).conversation_id;
      const client = await agent.connect(id, stockUiQuery);
      await agent.untilState(id, 'awaiting_user_input');
      client.socket.emit('oh_user_action', {
        action: 'message',
        args: { content: 'hello', image_urls: [], file_urls: [] },
      });
      const events = await agent.untilLog(id, (log) =>
        log.some((event) => 'action' in event && event.source === 'agent'),
      );
      const reply = events.find((event) => 'action' in event && event.source === 'agent') as
        Loose | undefined;
      expect(reply?.['message']).toContain("I am Parley's offline demo model");
      expect(agent.llm.requests).toHaveLength(0);
    });
  });

  describe.skipIf(!canRun)(`tool events as the stock web UI reads them (${backend.name})`, () => {
    let agent: AgentTestApp;
    let workspaces: { root: string; remove: () => void };
    beforeEach(async () => {
      workspaces = temporaryRoot('stock-ui-events');
      agent = await startAgentTestApp(backend, { PARLEY_WORKSPACE_DIR: workspaces.root });
    });
    afterEach(async () => {
      await agent.cleanup();
      workspaces.remove();
    });

    it("gives the agent's run, edit and unknown-tool events upstream's message", async () => {
      agent.llm.enqueue(
        {
          kind: 'reply',
          toolCalls: [
            call('call-1', 'execute_bash', { command: 'echo hello' }),
            call('call-2', 'str_replace_editor', {
              command: 'create',
              path: '/workspace/notes.txt',
              file_text: 'hello world',
            }),
            call('call-3', 'no_such_tool', {}),
          ],
        },
        { kind: 'reply', text: 'Done.' },
      );
      const id = await agent.create({ initial_user_msg: 'go' });
      const client = await agent.connect(id, stockUiQuery);
      const events = await agent.untilState(id, 'awaiting_user_input');
      await client.untilId((events.at(-1) as StoredEvent).id);

      const received = toolEvents(client);
      expect(received.map(summary)).toEqual([
        { kind: 'run', source: 'agent', message: 'Running command: echo hello' },
        {
          kind: 'run',
          source: 'agent',
          message: 'Command `echo hello` executed with exit code 0.',
        },
        { kind: 'edit', source: 'agent', message: 'Editing file: /workspace/notes.txt' },
        { kind: 'edit', source: 'agent', message: 'I edited the file /workspace/notes.txt.' },
        {
          kind: 'error',
          source: 'agent',
          message: expect.stringContaining('The tool "no_such_tool" does not exist.'),
        },
      ]);
      expect(received.every(keptByStockUi)).toBe(true);
      // The stored log is what a replay sends: the same messages.
      const stored = events.filter((event) => 'action' in event && event.action === 'run');
      expect(stored.map((event) => event.message)).toEqual(['Running command: echo hello']);
    });

    it("gives the user's terminal command and its output upstream's message", async () => {
      const id = await agent.create({});
      const client = await agent.connect(id, stockUiQuery);
      await agent.untilState(id, 'awaiting_user_input');
      client.socket.emit('oh_user_action', {
        action: 'run',
        args: { command: 'echo typed > t.txt && cat t.txt', hidden: false },
      });
      const events = await agent.untilLog(id, (log) =>
        log.some((event) => 'observation' in event && event.observation === 'run'),
      );
      const output = events.find((event) => 'observation' in event && event.observation === 'run');
      await client.untilId(output?.id ?? -1);
      expect(toolEvents(client).map(summary)).toEqual([
        {
          kind: 'run',
          source: 'user',
          message: 'Running command: echo typed > t.txt && cat t.txt',
        },
        {
          kind: 'run',
          source: 'agent',
          message: 'Command `echo typed > t.txt && cat t.txt` executed with exit code 0.',
        },
      ]);
      expect(toolEvents(client).every(keptByStockUi)).toBe(true);
      expect((output as unknown as Loose)['content']).toBe('typed\n');
    });
  });
}
