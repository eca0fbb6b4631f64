import { describe, expect, it } from 'vitest';
import { parseIncomingAction } from '@parley/protocol';
import { createCapturingLogger } from '../../test/support/test-logger.js';
import { ParleyError } from '../shared/errors.js';
import { SecretRegistry } from '../shared/secret-registry.js';
import { ClientMessageDispatches } from './client-message-dispatches.js';
import { ClientMessageHandler, type RealtimeConversations } from './client-message-handler.js';
import { MessageRateLimiter } from './message-rate-limiter.js';

const message = (content: string) => ({ action: 'message', args: { content } });

/** A conversation whose dispatches wait until the test releases them, recording what arrived. */
function gatedConversations(outcome: (content: string) => Error | undefined = () => undefined) {
  const dispatched: string[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const conversations = {
    dispatchAction: async (_userId, _conversationId, action, signal) => {
      signals.push(signal);
      await gate;
      const content = (action as { args: { content: string } }).args.content;
      const failure = outcome(content);
      if (failure !== undefined) throw failure;
      dispatched.push(content);
    },
  } as RealtimeConversations;
  return { conversations, dispatched, signals, release };
}

function handlerFor(conversations: RealtimeConversations, dispatches: ClientMessageDispatches) {
  const errors: { code: string; message: string }[] = [];
  const captured = createCapturingLogger('debug');
  const handler = new ClientMessageHandler({
    conversations,
    userId: 'alice',
    conversationId: 'c1',
    rateLimiter: new MessageRateLimiter({ perSecond: 1, burst: 10, now: () => 0 }),
    logger: captured.logger,
    dispatches,
    secrets: captured.secrets,
    sendError: (code, text) => errors.push({ code, message: text }),
    disconnectFlood: () => undefined,
  });
  return { handler, errors, lines: captured.lines, secrets: captured.secrets };
}

describe('ClientMessageHandler', () => {
  it('dispatches the messages it accepted after its connection closed, in order, under the server lifetime', async () => {
    const { conversations, dispatched, signals, release } = gatedConversations();
    const dispatches = new ClientMessageDispatches();
    const { handler, errors } = handlerFor(conversations, dispatches);
    for (const content of ['one', 'two', 'three']) handler.handle(message(content));
    handler.close();
    handler.handle(message('after close')); // the socket is gone: not taken
    release();
    await dispatches.settled();
    expect(dispatched).toEqual(['one', 'two', 'three']);
    expect(errors).toEqual([]);
    expect(signals.every((signal) => signal === dispatches.signal)).toBe(true);
  });

  it('hands the conversation the action it parsed, not the raw dict', async () => {
    const received: unknown[] = [];
    const conversations = {
      dispatchAction: async (_userId, _conversationId, action) => {
        received.push(action);
      },
    } as RealtimeConversations;
    const dispatches = new ClientMessageDispatches();
    const { handler, errors } = handlerFor(conversations, dispatches);
    const raw = message('parsed once');
    handler.handle(raw);
    await dispatches.settled();
    expect(errors).toEqual([]);
    expect(received).toEqual([parseIncomingAction(raw)]);
    expect(received[0]).not.toBe(raw);
  });

  it('answers a message that arrives while the server shuts down with an error frame', async () => {
    const { conversations, dispatched, release } = gatedConversations();
    const dispatches = new ClientMessageDispatches();
    const { handler, errors } = handlerFor(conversations, dispatches);
    handler.handle(message('accepted'));
    const closing = dispatches.close(60_000);
    handler.handle(message('too late'));
    expect(errors).toEqual([
      {
        code: 'STORE_CLOSED',
        message: 'The server is shutting down; the message was not taken',
      },
    ]);
    release();
    expect(await closing).toBe(0);
    expect(dispatched).toEqual(['accepted']);
    expect(dispatches.signal.aborted).toBe(false);
  });

  it('aborts dispatches still waiting when the shutdown wait runs out', async () => {
    const { conversations, signals } = gatedConversations();
    const dispatches = new ClientMessageDispatches();
    const { handler } = handlerFor(conversations, dispatches);
    handler.handle(message('stuck'));
    expect(await dispatches.close(1)).toBe(1);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('logs a failure nobody can hear once the connection closed, and tells a connected client', async () => {
    const failure = new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
    const { conversations, release } = gatedConversations(() => failure);
    const dispatches = new ClientMessageDispatches();
    const open = handlerFor(conversations, dispatches);
    const closed = handlerFor(conversations, dispatches);
    open.handler.handle(message('to an open socket'));
    closed.handler.handle(message('to a closed socket'));
    closed.handler.close();
    release();
    await dispatches.settled();
    expect(open.errors).toEqual([
      { code: 'CONVERSATION_NOT_FOUND', message: 'Conversation not found' },
    ]);
    expect(closed.errors).toEqual([]);
    expect(closed.lines()).toMatchObject([
      { level: 40, msg: 'a client action accepted before its socket closed failed' },
    ]);
  });

  it("masks the user's secrets in an error text that quotes them (a provider's answer)", async () => {
    const key = 'sk-alice-quoted-key';
    const failure = new ParleyError('LLM_AUTHENTICATION', `The provider said: Bearer ${key}`);
    const { conversations, release } = gatedConversations(() => failure);
    const dispatches = new ClientMessageDispatches();
    const { handler, errors, secrets } = handlerFor(conversations, dispatches);
    secrets.set('settings:alice', [key], 'alice');
    handler.handle(message('hello'));
    release();
    await dispatches.settled();
    expect(errors).toEqual([
      { code: 'LLM_AUTHENTICATION', message: 'The provider said: Bearer <secret_hidden>' },
    ]);
  });

  it('sends the disconnecting message its own error frame and takes nothing after it', () => {
    const { conversations } = gatedConversations();
    const dispatches = new ClientMessageDispatches();
    const errors: string[] = [];
    let disconnected = 0;
    const handler = new ClientMessageHandler({
      conversations,
      userId: 'alice',
      conversationId: 'c1',
      rateLimiter: new MessageRateLimiter({ perSecond: 1, burst: 2, now: () => 0 }),
      logger: createCapturingLogger('silent').logger,
      dispatches,
      secrets: new SecretRegistry(),
      sendError: (_code, text) => errors.push(text),
      disconnectFlood: () => (disconnected += 1),
    });
    for (let index = 0; index < 6; index++) handler.handle(message(`m${index}`));
    expect(errors).toEqual(['Too many messages; slow down', 'Too many messages; disconnected']);
    expect(disconnected).toBe(1);
  });
});
