/**
 * R13: one socket sends a burst of messages past its message limit, on each face. Every message
 * that drew no error frame must be in the log, also when the limiter then disconnects the client;
 * every other one must have drawn an error frame. Never silent and lost.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { buildResult } from '../build-result.js';
import { ScenarioEnvironment } from '../environment.js';
import type { History } from '../history.js';
import { createConversation } from '../rest-client.js';
import type { BoundCheck, Scenario } from '../scenario.js';
import { untilQuiet } from '../settle.js';

/** What a burst drew: per-message error frames, and how the connection ended. */
interface BurstOutcome {
  readonly tokens: string[];
  readonly errorFrames: number;
}

export const acceptedMeansStored: Scenario = {
  id: 'R13',
  title: 'accepted means stored',
  databases: ['sqlite', 'postgres'],
  async run(context) {
    const burst = context.profile === 'full' ? 400 : 80;
    const rounds = context.profile === 'full' ? 5 : 1;
    const environment = await ScenarioEnvironment.create(context.database);
    try {
      const server = await environment.startServer({
        PARLEY_SOCKET_MESSAGES_PER_SECOND: '20',
        PARLEY_SOCKET_MESSAGE_BURST: '40',
      });
      const outcomes: { face: string; conversationId: string; outcome: BurstOutcome }[] = [];
      for (let round = 0; round < rounds; round++) {
        for (const face of ['socket.io', 'v1'] as const) {
          const conversationId = await createConversation(server.url);
          const send = face === 'socket.io' ? socketIoBurst : webSocketBurst;
          const outcome = await send(server.url, conversationId, burst, environment.history);
          outcomes.push({ face, conversationId, outcome });
        }
      }
      const stored = await untilQuiet(environment);
      await server.stop('SIGTERM');
      const bounds: BoundCheck[] = outcomes.map(({ face, conversationId, outcome }) => {
        const log = stored.logs.get(conversationId) ?? [];
        const storedCount = outcome.tokens.filter((token) =>
          log.some((entry) => entry.kind === 'message' && entry.content === token),
        ).length;
        return {
          name: `${face}: every message stored or refused`,
          pass: storedCount + outcome.errorFrames === burst,
          detail: `${storedCount} stored + ${outcome.errorFrames} error frames of ${burst} sent`,
        };
      });
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: outcomes.length,
        bounds,
      });
    } finally {
      await environment.cleanup();
    }
  },
};

/** Records each message as a write whose answer is unknown: stored at most once, never twice. */
function recordTokens(history: History, client: string, conversationId: string, count: number) {
  return Array.from({ length: count }, () => {
    const token = history.token(client);
    void history.record(client, conversationId, token, () =>
      Promise.reject(new Error('no acknowledgement on sockets')),
    );
    return token;
  });
}

async function socketIoBurst(
  baseUrl: string,
  conversationId: string,
  count: number,
  history: History,
): Promise<BurstOutcome> {
  const socket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    query: { conversation_id: conversationId, latest_event_id: '-1' },
    reconnection: false,
    forceNew: true,
  });
  let errorFrames = 0;
  socket.on('oh_event', (payload: Record<string, unknown>) => {
    if (payload['error'] === true) errorFrames += 1;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const tokens = recordTokens(history, 'r13-socket.io', conversationId, count);
  const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
  for (const token of tokens) {
    socket.emit('oh_user_action', { action: 'message', args: { content: token } });
  }
  await Promise.race([disconnected, sleep(3_000)]);
  socket.disconnect();
  return { tokens, errorFrames };
}

async function webSocketBurst(
  baseUrl: string,
  conversationId: string,
  count: number,
  history: History,
): Promise<BurstOutcome> {
  const url = new URL(`/sockets/events/${encodeURIComponent(conversationId)}`, baseUrl);
  url.protocol = 'ws:';
  const socket = new WebSocket(url);
  let errorFrames = 0;
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as Record<string, unknown>;
    if (frame['kind'] === 'Error') errorFrames += 1;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const tokens = recordTokens(history, 'r13-v1', conversationId, count);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  for (const token of tokens) {
    socket.send(JSON.stringify({ role: 'user', content: [{ type: 'text', text: token }] }));
  }
  await Promise.race([closed, sleep(3_000)]);
  socket.terminate();
  return { tokens, errorFrames };
}
