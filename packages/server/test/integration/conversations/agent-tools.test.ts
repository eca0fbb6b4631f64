/**
 * The agent acting in its sandbox, end to end: a model (the local fake LLM server) calls
 * execute_bash and str_replace_editor, the commands run in real bubblewrap, and the log holds the
 * upstream-shaped actions, streamed output and observations; confirmation mode, stop and the
 * user's own terminal commands.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspaceIdFor } from '../../../src/conversations/conversation-workspace.js';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { bubblewrapAvailable, processesWith, temporaryRoot } from '../../support/bubblewrap.js';
import { startMcpHttpServer } from '../../support/mcp/mcp-http-server.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = (await testDatabaseBackends()).slice(0, 1);
const canRun = bubblewrapAvailable();

type Loose = Record<string, unknown>;

function loose(event: StoredEvent | undefined): Loose {
  return event as unknown as Loose;
}

function findAction(events: readonly StoredEvent[], action: string, nth = 0): StoredEvent {
  const found = events.filter((event) => 'action' in event && event.action === action)[nth];
  if (found === undefined) throw new Error(`no ${action} action #${nth} in the log`);
  return found;
}

function answerTo(events: readonly StoredEvent[], action: StoredEvent): Loose {
  const found = events.find((event) => 'observation' in event && event.cause === action.id);
  if (found === undefined) throw new Error(`no observation caused by ${action.id}`);
  return loose(found);
}

function outputDeltas(events: readonly StoredEvent[], action: StoredEvent): string {
  return events
    .filter((event) => 'streaming_delta' in event && event.cause === action.id)
    .map((event) => (loose(event)['streaming_delta'] as { content: string }).content)
    .join('');
}

function call(id: string, name: string, args: Loose) {
  return { id, name, arguments: JSON.stringify(args) };
}

for (const backend of backends) {
  describe.skipIf(!canRun)(`the agent's tools in the sandbox (${backend.name})`, () => {
    let agent: AgentTestApp;
    let workspaces: { root: string; remove: () => void };
    beforeEach(async () => {
      workspaces = temporaryRoot('agent-tools');
      agent = await startAgentTestApp(backend, { PARLEY_WORKSPACE_DIR: workspaces.root });
    });
    afterEach(async () => {
      await agent.cleanup();
      workspaces.remove();
    });

    it('runs execute_bash in the workspace: streamed output, exit code, and cd carries over', async () => {
      agent.llm.enqueue(
        {
          kind: 'reply',
          toolCalls: [
            call('call-1', 'execute_bash', {
              command: 'mkdir -p sub && cd sub && echo hello-from-sandbox && id -u && pwd',
            }),
          ],
        },
        { kind: 'reply', toolCalls: [call('call-2', 'execute_bash', { command: 'pwd; exit 3' })] },
        { kind: 'reply', text: 'Ran both.' },
      );
      const id = await agent.create({ initial_user_msg: 'run something' });
      const events = await agent.untilState(id, 'awaiting_user_input');
      const first = findAction(events, 'run');
      expect(loose(first)).toMatchObject({
        source: 'agent',
        args: { command: expect.stringContaining('echo hello-from-sandbox'), is_input: false },
        tool_call_metadata: { function_name: 'execute_bash', tool_call_id: 'call-1' },
      });
      const observation = answerTo(events, first);
      expect(observation).toMatchObject({
        observation: 'run',
        source: 'agent',
        success: true,
        extras: { metadata: { exit_code: 0, working_dir: '/workspace/sub' } },
        tool_call_metadata: { tool_call_id: 'call-1' },
      });
      expect(observation['content']).toBe('hello-from-sandbox\n1000\n/workspace/sub\n');
      expect(outputDeltas(events, first)).toBe('hello-from-sandbox\n1000\n/workspace/sub\n');
      const second = answerTo(events, findAction(events, 'run', 1));
      expect(second).toMatchObject({
        content: '/workspace/sub\n',
        success: false,
        extras: { metadata: { exit_code: 3 } },
      });
      // The model read the output with upstream's suffix and the working directory.
      const toolMessage = JSON.stringify(agent.llm.requests[1]?.body);
      expect(toolMessage).toContain('hello-from-sandbox');
      expect(toolMessage).toContain('[The command completed with exit code 0.]');
      expect(toolMessage).toContain('[Current working directory: /workspace/sub]');
      expect(existsSync(join(workspaces.root, workspaceIdFor(id), 'sub'))).toBe(true);
    });

    it('leaves a command running past its timeout; the model types into it, waits, or interrupts it', async () => {
      agent.llm.enqueue(
        {
          kind: 'reply',
          toolCalls: [
            call('call-1', 'execute_bash', {
              command: 'echo waiting; read line; echo "got $line"',
              timeout: 1,
            }),
          ],
        },
        {
          kind: 'reply',
          toolCalls: [call('call-2', 'execute_bash', { command: 'echo new command' })],
        },
        {
          kind: 'reply',
          toolCalls: [call('call-3', 'execute_bash', { command: 'hello', is_input: 'true' })],
        },
        {
          kind: 'reply',
          toolCalls: [call('call-4', 'execute_bash', { command: 'sleep 600', timeout: 1 })],
        },
        {
          kind: 'reply',
          toolCalls: [call('call-5', 'execute_bash', { command: 'C-c', is_input: 'true' })],
        },
        {
          kind: 'reply',
          toolCalls: [call('call-6', 'execute_bash', { command: '', is_input: 'false' })],
        },
        { kind: 'reply', text: 'Done.' },
      );
      const id = await agent.create({ initial_user_msg: 'interact' });
      const events = await agent.untilState(id, 'awaiting_user_input');
      const answers = [0, 1, 2, 3, 4].map((nth) =>
        answerTo(events, findAction(events, 'run', nth)),
      );
      expect(answers[0]).toMatchObject({
        observation: 'run',
        content: 'waiting\n',
        extras: { metadata: { exit_code: -1 } },
      });
      expect(answers[0]?.['extras']).toMatchObject({
        metadata: { suffix: expect.stringContaining('is still running after the timeout') },
      });
      // A new command while one runs is refused, and the running one is untouched.
      expect(answers[1]).toMatchObject({
        observation: 'error',
        content: expect.stringContaining('the previous command is still running'),
      });
      expect(answers[2]).toMatchObject({
        observation: 'run',
        content: 'got hello\n',
        extras: {
          metadata: {
            exit_code: 0,
            prefix: '[Below is the output of the previous command.]\n',
          },
        },
      });
      expect(answers[3]).toMatchObject({ extras: { metadata: { exit_code: -1 } } });
      expect(answers[4]).toMatchObject({
        observation: 'run',
        extras: { metadata: { exit_code: 130, suffix: expect.stringContaining('CTRL+C') } },
      });
      // Nothing runs any more: an empty command has nothing to wait for.
      expect(answerTo(events, findAction(events, 'run', 5))).toMatchObject({
        observation: 'error',
        content: 'ERROR: No previous running command to retrieve logs from.',
      });
    });

    it('creates and edits a file with str_replace_editor: edit observations with a diff', async () => {
      agent.llm.enqueue(
        {
          kind: 'reply',
          toolCalls: [
            call('call-1', 'str_replace_editor', {
              command: 'create',
              path: '/workspace/notes.txt',
              file_text: 'hello world\n',
            }),
            call('call-2', 'str_replace_editor', {
              command: 'str_replace',
              path: '/workspace/notes.txt',
              old_str: 'hello',
              new_str: 'goodbye',
            }),
            call('call-3', 'str_replace_editor', {
              command: 'str_replace',
              path: '/workspace/notes.txt',
              old_str: 'not there',
              new_str: 'x',
            }),
            call('call-4', 'str_replace_editor', { command: 'view', path: '/workspace/notes.txt' }),
          ],
        },
        { kind: 'reply', text: 'Edited.' },
      );
      const id = await agent.create({ initial_user_msg: 'edit something' });
      const events = await agent.untilState(id, 'awaiting_user_input');
      const create = findAction(events, 'edit');
      expect(loose(create)).toMatchObject({
        args: { command: 'create', path: '/workspace/notes.txt', impl_source: 'oh_aci' },
      });
      expect(answerTo(events, create)).toMatchObject({
        observation: 'edit',
        content: 'File created successfully at: /workspace/notes.txt',
        extras: { path: '/workspace/notes.txt', prev_exist: false, new_content: 'hello world\n' },
      });
      const replace = answerTo(events, findAction(events, 'edit', 1));
      expect(replace).toMatchObject({ observation: 'edit', extras: { prev_exist: true } });
      expect((replace['extras'] as Loose)['diff']).toContain('+goodbye world');
      expect(answerTo(events, findAction(events, 'edit', 2))).toMatchObject({
        observation: 'error',
        content:
          'ERROR:\nNo replacement was performed, old_str `not there` did not appear verbatim in /workspace/notes.txt.',
      });
      expect(answerTo(events, findAction(events, 'read'))).toMatchObject({
        observation: 'read',
        content: expect.stringContaining('     1\tgoodbye world'),
      });
      expect(readFileSync(join(workspaces.root, workspaceIdFor(id), 'notes.txt'), 'utf8')).toBe(
        'goodbye world\n',
      );
    });

    it('in confirmation mode, waits for the user: a confirmed action runs, a rejected one is reported', async () => {
      const settings = await agent.api('POST', '/api/settings', {
        llm_model: 'openai/gpt-test',
        llm_base_url: agent.llm.baseUrl,
        llm_api_key: 'sk-test-key',
        confirmation_mode: true,
      });
      expect(settings.status).toBe(200);
      agent.llm.enqueue(
        { kind: 'reply', toolCalls: [call('call-1', 'execute_bash', { command: 'echo yes' })] },
        { kind: 'reply', toolCalls: [call('call-2', 'execute_bash', { command: 'rm -rf /' })] },
        { kind: 'reply', text: 'Understood.' },
      );
      const id = await agent.create({ initial_user_msg: 'go' });
      let events = await agent.untilState(id, 'awaiting_user_confirmation');
      const first = findAction(events, 'run');
      expect(loose(first)).toMatchObject({ args: { confirmation_state: 'awaiting_confirmation' } });
      expect(events.some((event) => 'observation' in event && event.cause === first.id)).toBe(
        false,
      );
      const confirm = await agent.api('POST', `/api/conversations/${id}/events`, {
        action: 'change_agent_state',
        args: { agent_state: 'user_confirmed' },
      });
      expect(confirm.status).toBe(200);
      events = await agent.untilLog(id, (log) =>
        log.some((event) => 'action' in event && event.action === 'run' && event.id > first.id),
      );
      expect(answerTo(events, first)).toMatchObject({ observation: 'run', content: 'yes\n' });
      events = await agent.untilState(id, 'awaiting_user_confirmation');
      const second = findAction(events, 'run', 1);
      await agent.api('POST', `/api/conversations/${id}/events`, {
        action: 'change_agent_state',
        args: { agent_state: 'user_rejected', thought: 'not that one' },
      });
      events = await agent.untilState(id, 'awaiting_user_input');
      expect(answerTo(events, second)).toMatchObject({
        observation: 'user_rejected',
        content: 'Action has been rejected by the user! Reason: not that one',
      });
      expect(JSON.stringify(agent.llm.requests[2]?.body)).toContain('rejected by the user');
      const states = events
        .filter((event) => 'observation' in event && event.observation === 'agent_state_changed')
        .map((event) => (loose(event)['extras'] as Loose)['agent_state']);
      expect(states).toContain('user_confirmed');
      expect(states).toContain('user_rejected');
      // Nothing awaits confirmation any more: an answer now is refused and changes nothing.
      const before = (await agent.log(id)).length;
      const late = await agent.api('POST', `/api/conversations/${id}/events`, {
        action: 'change_agent_state',
        args: { agent_state: 'user_confirmed' },
      });
      expect(late.status).toBe(409);
      expect((late.body as Loose)['code']).toBe('AGENT_NOT_AWAITING_CONFIRMATION');
      expect((await agent.log(id)).length).toBe(before);
    });

    it('stop ends a running sleep 600 at once: its processes are gone when the stop returns', async () => {
      const token = `600.${process.pid}${Date.now() % 100_000}`;
      agent.llm.enqueue({
        kind: 'reply',
        toolCalls: [call('call-1', 'execute_bash', { command: `echo started; sleep ${token}` })],
      });
      const id = await agent.create({ initial_user_msg: 'sleep' });
      const events = await agent.untilLog(id, (log) =>
        log.some((event) => 'streaming_delta' in event && event.cause !== undefined),
      );
      const run = findAction(events, 'run');
      expect(outputDeltas(events, run)).toBe('started\n');
      expect(processesWith(`sleep ${token}`).length).toBeGreaterThan(0);
      expect((await agent.api('POST', `/api/conversations/${id}/stop`)).status).toBe(200);
      await agent.untilState(id, 'stopped');
      expect(processesWith(`sleep ${token}`)).toEqual([]);
      const log = await agent.log(id);
      expect(log.some((event) => 'observation' in event && event.cause === run.id)).toBe(false);
    });

    it("offers the user's MCP servers' tools beside the built-in ones and logs their calls", async () => {
      const mcp = await startMcpHttpServer();
      try {
        const settings = await agent.api('POST', '/api/settings', {
          llm_model: 'openai/gpt-test',
          llm_base_url: agent.llm.baseUrl,
          llm_api_key: 'sk-test-key',
          mcp_config: { sse_servers: [], stdio_servers: [], shttp_servers: [mcp.url] },
        });
        expect(settings.status).toBe(200);
        agent.llm.enqueue(
          { kind: 'reply', toolCalls: [call('call-1', 'add', { a: 2, b: 40 })] },
          { kind: 'reply', text: 'It is 42.' },
        );
        const id = await agent.create({ initial_user_msg: 'add 2 and 40' });
        const events = await agent.untilState(id, 'awaiting_user_input');
        const offered = (agent.llm.requests[0]?.body['tools'] as { function: { name: string } }[])
          .map((tool) => tool.function.name)
          .sort();
        expect(offered).toEqual(
          [
            'add',
            'echo',
            'environment',
            'execute_bash',
            'fail',
            'finish',
            'slow',
            'str_replace_editor',
            'think',
          ].sort(),
        );
        const action = findAction(events, 'call_tool_mcp');
        expect(loose(action)).toMatchObject({ args: { name: 'add', arguments: { a: 2, b: 40 } } });
        const observation = answerTo(events, action);
        expect(observation).toMatchObject({ observation: 'mcp', extras: { name: 'add' } });
        expect(observation['content']).toContain('42');
      } finally {
        await mcp.close();
      }
    });

    it("runs the user's own terminal command (a run action) in the same workspace", async () => {
      const id = await agent.create({});
      await agent.untilState(id, 'awaiting_user_input');
      const response = await agent.api('POST', `/api/conversations/${id}/events`, {
        action: 'run',
        args: { command: 'echo from-terminal > t.txt && cat t.txt' },
      });
      expect(response.status).toBe(200);
      const events = await agent.untilLog(id, (log) =>
        log.some((event) => 'observation' in event && event.observation === 'run'),
      );
      const run = findAction(events, 'run');
      expect(loose(run)['source']).toBe('user');
      expect(answerTo(events, run)).toMatchObject({
        observation: 'run',
        content: 'from-terminal\n',
        extras: { metadata: { exit_code: 0 } },
      });
      expect(agent.llm.requests).toHaveLength(0);
    });
  });

  describe.skipIf(!canRun)(`custom secrets in commands (${backend.name})`, () => {
    async function printSecret(exportSecrets: boolean): Promise<Loose> {
      const workspaces = temporaryRoot('agent-secrets');
      const agent = await startAgentTestApp(backend, {
        PARLEY_WORKSPACE_DIR: workspaces.root,
        PARLEY_SANDBOX_EXPORT_SECRETS: String(exportSecrets),
      });
      try {
        const stored = await agent.api('POST', '/api/secrets', {
          name: 'DEPLOY_TOKEN',
          value: 'tok-7f3a9c2e51',
          description: 'for the test',
        });
        expect(stored.status).toBe(201);
        const id = await agent.create({});
        await agent.untilState(id, 'awaiting_user_input');
        await agent.api('POST', `/api/conversations/${id}/events`, {
          action: 'run',
          args: { command: 'printenv DEPLOY_TOKEN; echo "length ${#DEPLOY_TOKEN}"' },
        });
        const events = await agent.untilLog(id, (log) =>
          log.some((event) => 'observation' in event && event.observation === 'run'),
        );
        expect(JSON.stringify(events)).not.toContain('tok-7f3a9c2e51');
        return answerTo(events, findAction(events, 'run'));
      } finally {
        await agent.cleanup();
        workspaces.remove();
      }
    }

    it('are not visible to commands unless the operator exports them', async () => {
      expect((await printSecret(false))['content']).toBe('length 0\n');
    });

    it('are exported as variables when the operator says so, and masked in the output', async () => {
      expect((await printSecret(true))['content']).toBe('<secret_hidden>\nlength 14\n');
    });
  });
}
