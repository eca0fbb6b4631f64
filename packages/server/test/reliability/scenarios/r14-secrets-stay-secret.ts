/**
 * R14: secrets stay secret. The provider's error text echoes the API key it was sent (some
 * gateways do), the user's base URL carries credentials, and a custom secret appears in the user's
 * message and in the model's answer. No log line at any level, no frame of either face, no stored
 * event and no API response may carry any of them in plain text.
 */
import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { buildResult } from '../build-result.js';
import { ScenarioEnvironment, testApiKey } from '../environment.js';
import { createConversation, postMessage, rest } from '../rest-client.js';
import type { BoundCheck, Scenario } from '../scenario.js';
import { untilQuiet } from '../settle.js';

/** Every raw frame a watcher of either face received, as text. */
function watchRawFrames(baseUrl: string, conversationId: string, frames: string[]): () => void {
  const socket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    query: { conversation_id: conversationId, latest_event_id: '-1', stream: 'true' },
    reconnection: false,
    forceNew: true,
  });
  socket.onAny((name: string, ...payload: unknown[]) =>
    frames.push(`${name} ${JSON.stringify(payload)}`),
  );
  socket.on('connect_error', (error) => frames.push(`connect_error ${error.message}`));
  const url = new URL(`/sockets/events/${encodeURIComponent(conversationId)}`, baseUrl);
  url.protocol = 'ws:';
  url.searchParams.set('resend_all', 'true');
  url.searchParams.set('stream', 'true');
  const webSocket = new WebSocket(url);
  webSocket.on('message', (data) => frames.push(String(data)));
  webSocket.on('close', (code, reason) => frames.push(`close ${code} ${reason.toString()}`));
  return () => {
    socket.disconnect();
    webSocket.terminate();
  };
}

export const secretsStaySecret: Scenario = {
  id: 'R14',
  title: 'secrets stay secret',
  databases: ['sqlite'],
  async run(context) {
    const environment = await ScenarioEnvironment.create(context.database);
    const userKey = `sk-user-${randomBytes(12).toString('hex')}`;
    const basePassword = `pw-${randomBytes(12).toString('hex')}`;
    const customSecret = `tok-${randomBytes(12).toString('hex')}`;
    const secrets = {
      'server API key': testApiKey,
      'user API key': userKey,
      'base URL password': basePassword,
      'custom secret': customSecret,
    };
    const frames: string[] = [];
    const responses: string[] = [];
    const closers: (() => void)[] = [];
    try {
      const server = await environment.startServer({ LOG_LEVEL: 'trace' });
      const keep = async (answer: Promise<{ text: string }>) => responses.push((await answer).text);
      await keep(
        rest(server.url, 'POST', '/api/secrets', { name: 'DEPLOY_TOKEN', value: customSecret }),
      );

      // 1. The server's own key, echoed by a 401 from the provider.
      environment.llm.enqueue({
        kind: 'status',
        status: 401,
        message: `Incorrect API key provided: Authorization: Bearer ${testApiKey}`,
      });
      const first = await createConversation(server.url);
      closers.push(watchRawFrames(server.url, first, frames));
      await environment.history.record('r14', first, 'r14-first', () =>
        postMessage(server.url, first, 'r14-first hello'),
      );
      await untilQuiet(environment);

      // 2. A custom secret in the user's message and in the model's answer.
      environment.llm.enqueue({ kind: 'reply', text: `Deploying with ${customSecret} now` });
      const second = await createConversation(server.url);
      closers.push(watchRawFrames(server.url, second, frames));
      await environment.history.record('r14', second, 'r14-second', () =>
        postMessage(server.url, second, `r14-second use ${customSecret} to deploy`),
      );
      await untilQuiet(environment);

      // 3. The user's own key and a base URL with credentials, echoed back by the provider.
      const credentialUrl = new URL(environment.llm.baseUrl);
      credentialUrl.username = 'parley';
      credentialUrl.password = basePassword;
      await keep(
        rest(server.url, 'POST', '/api/settings', {
          llm_model: 'openai/gpt-user',
          llm_api_key: userKey,
          llm_base_url: credentialUrl.toString(),
        }),
      );
      environment.llm.enqueue({
        kind: 'status',
        status: 401,
        message: `Bad credentials: Bearer ${userKey} for ${credentialUrl.toString()}`,
      });
      const third = await createConversation(server.url);
      closers.push(watchRawFrames(server.url, third, frames));
      await environment.history.record('r14', third, 'r14-third', () =>
        postMessage(server.url, third, 'r14-third hello'),
      );
      await untilQuiet(environment);

      for (const conversationId of [first, second, third]) {
        await keep(
          rest(server.url, 'GET', `/api/conversations/${conversationId}/events?limit=100`),
        );
        await keep(rest(server.url, 'GET', `/api/conversations/${conversationId}`));
        await keep(
          rest(server.url, 'GET', `/api/v1/events/search?conversation_id=${conversationId}`),
        );
      }
      await keep(rest(server.url, 'GET', '/api/conversations'));
      await keep(rest(server.url, 'GET', '/api/settings'));
      await keep(rest(server.url, 'GET', '/api/secrets'));
      for (const close of closers.splice(0)) close();
      await server.stop('SIGTERM');
      const stored = await environment.readLogs();
      const storedText = JSON.stringify([...stored.logs.values()]);
      const places = {
        'log lines': server.output,
        frames: frames.join('\n'),
        'API responses': responses.join('\n'),
        'stored events': storedText,
      };
      const bounds: BoundCheck[] = Object.entries(places).map(([place, text]) => {
        const leaked = Object.entries(secrets)
          .filter(([, value]) => text.includes(value))
          .map(([name]) => name);
        return {
          name: `no secret in ${place}`,
          pass: leaked.length === 0,
          detail:
            leaked.length === 0
              ? `${text.length} characters checked`
              : `leaked: ${leaked.join(', ')}`,
        };
      });
      bounds.push({
        name: 'the provider errors reached clients, masked',
        pass: frames.some((frame) => frame.includes('<secret_hidden>')),
        detail: `${frames.length} frames`,
      });
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored,
        faults: 2,
        bounds,
        extraOperations: responses.length,
      });
    } finally {
      for (const close of closers) close();
      await environment.cleanup();
    }
  },
};
