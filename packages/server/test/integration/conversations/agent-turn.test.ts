import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/events/event-store.js';
import { startAgentTestApp, type AgentTestApp } from '../../support/agent-test-app.js';
import { testDatabaseBackends } from '../../support/test-databases.js';

const backends = await testDatabaseBackends();

type Loose = Record<string, unknown>;

/** The log without streaming deltas, each event reduced to what these tests compare. */
function shape(events: readonly StoredEvent[]): Loose[] {
  return events.flatMap((event): Loose[] => {
    const loose = event as unknown as Loose;
    if ('streaming_delta' in event) return [];
    if ('action' in event) return [{ action: loose['action'], source: loose['source'] }];
    const extras = loose['extras'] as Loose;
    return [
      loose['observation'] === 'agent_state_changed'
        ? { state: extras['agent_state'] }
        : { observation: loose['observation'], source: loose['source'] },
    ];
  });
}

function deltaText(events: readonly StoredEvent[], after = -1): string {
  return events
    .filter((event) => event.id > after && 'streaming_delta' in event)
    .map(
      (event) =>
        (event as unknown as { streaming_delta: { content: string } }).streaming_delta.content,
    )
    .join('');
}

function requestMessages(body: Loose): { role: string; content: unknown }[] {
  return body['messages'] as { role: string; content: unknown }[];
}

for (const backend of backends) {
  describe(`agent turns end to end (${backend.name})`, () => {
    let agent: AgentTestApp;
    beforeEach(async () => {
      agent = await startAgentTestApp(backend);
    });
    afterEach(async () => agent.cleanup());

    it('creates with a first message: history and live events, a streamed reply with metrics', async () => {
      agent.llm.enqueue({
        kind: 'reply',
        text: ['The ', 'answer ', 'is ', '42.'],
        chunkDelayMs: 20,
        usage: { promptTokens: 30, completionTokens: 4 },
      });
      const id = await agent.create({ initial_user_msg: 'What is the answer?' });
      const client = await agent.connect(id, { stream: 'true' });
      const events = await agent.untilState(id, 'awaiting_user_input');
      expect(shape(events)).toEqual([
        { state: 'loading' },
        { action: 'message', source: 'user' },
        { state: 'running' },
        { action: 'message', source: 'agent' },
        { state: 'awaiting_user_input' },
      ]);
      const running = events.find((event) => shape([event])[0]?.['state'] === 'running');
      expect(running?.cause).toBe(1);
      expect(deltaText(events)).toBe('The answer is 42.');
      const answer = events.findLast((event) => 'action' in event) as unknown as Loose;
      expect(answer['args']).toMatchObject({ content: 'The answer is 42.' });
      expect(answer['llm_metrics']).toMatchObject({
        accumulated_token_usage: { prompt_tokens: 30, completion_tokens: 4 },
      });
      // The Socket.IO client saw the whole log (deltas as oh_delta, opted in with stream=true).
      const last = events.at(-1) as StoredEvent;
      await client.untilId(last.id);
      // Replay sends only the latest of the agent states it holds back, as upstream.
      for (const event of events.filter((event) => 'action' in event)) {
        expect(client.ids).toContain(event.id);
      }
      expect(
        client.deltas.map((delta) => (delta['streaming_delta'] as Loose)['content']).join(''),
      ).toBe('The answer is 42.');
      // The row carries the tokens, and the conversation runs and is ready.
      const info = await agent.api('GET', `/api/conversations/${id}`);
      expect(info.body).toMatchObject({
        status: 'RUNNING',
        runtime_status: 'STATUS$READY',
        url: `/api/conversations/${id}`,
      });
      const request = agent.llm.requests[0];
      expect(request?.body['stream']).toBe(true);
      expect(requestMessages(request?.body ?? {}).map((message) => message.role)).toEqual([
        'system',
        'user',
      ]);
    });

    it('answers a follow-up with the whole history, over Socket.IO', async () => {
      agent.llm.enqueue({ kind: 'reply', text: 'First answer.' });
      const id = await agent.create({ initial_user_msg: 'first' });
      const client = await agent.connect(id);
      await agent.untilState(id, 'awaiting_user_input');
      agent.llm.enqueue({ kind: 'reply', text: 'Second answer.' });
      const before = (await agent.log(id)).length;
      client.socket.emit('oh_user_action', { action: 'message', args: { content: 'second' } });
      await agent.llm.waitForRequest(1);
      const events = await agent.untilLog(
        id,
        (log) =>
          log.length > before + 2 && JSON.stringify(log.at(-1)).includes('awaiting_user_input'),
      );
      const answers = events.filter(
        (event) => 'action' in event && event.source === 'agent',
      ) as unknown as { args: { content: string } }[];
      expect(answers.map((answer) => answer.args.content)).toEqual([
        'First answer.',
        'Second answer.',
      ]);
      const second = requestMessages(agent.llm.requests[1]?.body ?? {});
      expect(second.map((message) => [message.role, message.content])).toEqual([
        ['system', expect.any(String)],
        ['user', 'first'],
        ['assistant', 'First answer.'],
        ['user', 'second'],
      ]);
      await client.untilId((events.at(-1) as StoredEvent).id);
    });

    it('queues messages sent during a turn, answers them in order, ignores a duplicate id', async () => {
      agent.llm.enqueue(
        { kind: 'reply', text: ['one ', 'two ', 'three'], chunkDelayMs: 60 },
        { kind: 'reply', text: 'Answer B.' },
        { kind: 'reply', text: 'Answer C.' },
      );
      const id = await agent.create({});
      const client = await agent.connect(id);
      await agent.untilState(id, 'awaiting_user_input');
      const send = (content: string, clientId: string) =>
        client.socket.emit('oh_user_action', {
          action: 'message',
          args: { content, client_message_id: clientId },
        });
      send('A', 'id-a');
      await agent.llm.waitForRequest(0);
      send('B', 'id-b');
      send('B', 'id-b');
      send('C', 'id-c');
      send('A', 'id-a');
      await agent.llm.waitForRequest(2);
      await agent.untilState(id, 'awaiting_user_input');
      await agent.manager.loop(id)?.settled();
      const events = await agent.log(id);
      const users = events.filter(
        (event) => 'action' in event && event.source === 'user',
      ) as unknown as {
        args: { content: string };
      }[];
      expect(users.map((event) => event.args.content)).toEqual(['A', 'B', 'C']);
      const answers = events.filter(
        (event) => 'action' in event && event.source === 'agent',
      ) as unknown as {
        args: { content: string };
      }[];
      expect(answers.map((event) => event.args.content)).toEqual([
        'one two three',
        'Answer B.',
        'Answer C.',
      ]);
      expect(agent.llm.requests).toHaveLength(3);
      // Each turn saw the earlier answers and not the messages still queued behind it.
      const lastUser = (index: number) =>
        requestMessages(agent.llm.requests[index]?.body ?? {})
          .filter((message) => message.role === 'user')
          .map((message) => message.content);
      expect(lastUser(0)).toEqual(['A']);
      expect(lastUser(1)).toEqual(['A', 'B']);
      expect(lastUser(2)).toEqual(['A', 'B', 'C']);
      const roles = requestMessages(agent.llm.requests[2]?.body ?? {}).map(
        (message) => message.role,
      );
      expect(roles).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    });

    it('runs a think tool call, reports an unknown tool as an error observation, and carries on', async () => {
      agent.llm.enqueue(
        {
          kind: 'reply',
          toolCalls: [
            { id: 'call-1', name: 'think', arguments: '{"thought":"plan it"}' },
            { id: 'call-2', name: 'launch_rockets', arguments: '{}' },
          ],
        },
        { kind: 'reply', text: 'Done thinking.' },
      );
      const id = await agent.create({ initial_user_msg: 'think first' });
      const events = await agent.untilState(id, 'awaiting_user_input');
      const think = events.find(
        (event) => 'action' in event && event.action === 'think',
      ) as unknown as Loose;
      expect(think).toMatchObject({
        source: 'agent',
        args: { thought: 'plan it' },
        tool_call_metadata: {
          function_name: 'think',
          tool_call_id: 'call-1',
          total_calls_in_response: 2,
        },
      });
      const observation = events.find(
        (event) => 'observation' in event && event.observation === 'think',
      ) as unknown as Loose;
      expect(observation).toMatchObject({
        cause: think['id'],
        content: 'Your thought has been logged.',
      });
      const error = events.find(
        (event) => 'observation' in event && event.observation === 'error',
      ) as unknown as Loose;
      expect(error).toMatchObject({
        tool_call_metadata: { function_name: 'launch_rockets', tool_call_id: 'call-2' },
      });
      expect(String(error['content'])).toContain('launch_rockets');
      const second = requestMessages(agent.llm.requests[1]?.body ?? {});
      expect(second.map((message) => message.role)).toEqual([
        'system',
        'user',
        'assistant',
        'tool',
        'tool',
      ]);
      const last = events.findLast((event) => 'action' in event) as unknown as Loose;
      expect(last['args']).toMatchObject({ content: 'Done thinking.' });
    });

    it('ends in finished when the model calls finish', async () => {
      agent.llm.enqueue({
        kind: 'reply',
        toolCalls: [{ id: 'call-f', name: 'finish', arguments: '{"message":"All set."}' }],
      });
      const id = await agent.create({ initial_user_msg: 'wrap up' });
      const events = await agent.untilState(id, 'finished');
      expect(events.find((event) => 'action' in event && event.action === 'finish')).toMatchObject({
        args: { final_thought: 'All set.' },
      });
    });

    it('reports STOPPED with a null url after POST /stop, and a message starts it again', async () => {
      const id = await agent.create({});
      await agent.untilState(id, 'awaiting_user_input');
      expect((await agent.api('POST', `/api/conversations/${id}/stop`)).status).toBe(200);
      expect((await agent.api('GET', `/api/conversations/${id}`)).body).toMatchObject({
        status: 'STOPPED',
        url: null,
      });
      agent.llm.enqueue({ kind: 'reply', text: 'Back again.' });
      await agent.api('POST', `/api/conversations/${id}/message`, { message: 'hello?' });
      const events = await agent.untilLog(
        id,
        (log) =>
          JSON.stringify(log.at(-1)).includes('awaiting_user_input') &&
          JSON.stringify(log).includes('Back again.'),
      );
      expect(shape(events).slice(-4)).toEqual([
        { action: 'message', source: 'user' },
        { state: 'running' },
        { action: 'message', source: 'agent' },
        { state: 'awaiting_user_input' },
      ]);
    });
  });
}
