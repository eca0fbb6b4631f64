/**
 * R2: clients drop their connections at random points for random outages while events flow, and
 * reconnect with the last id they have; some connect before the conversation has any event.
 * Every client's stream, with duplicates dropped, must be the log: no gap, nothing out of order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildResult } from '../build-result.js';
import { ScenarioEnvironment } from '../environment.js';
import { createConversation } from '../rest-client.js';
import type { Scenario } from '../scenario.js';
import { untilCaughtUp, untilQuiet } from '../settle.js';
import { ResumingClient } from '../stream-clients.js';
import { startWriters } from '../writers.js';

export const reconnectChaos: Scenario = {
  id: 'R2',
  title: 'reconnect with the last id',
  databases: ['sqlite'],
  async run(context) {
    const full = context.profile === 'full';
    const durationMs = full ? 120_000 : 8_000;
    const longestOutageMs = full ? 60_000 : 1_500;
    const environment = await ScenarioEnvironment.create(context.database, {
      defaultBehaviour: {
        kind: 'reply',
        text: 'a steady answer of several words',
        chunkDelayMs: 5,
      },
    });
    try {
      const server = await environment.startServer();
      const conversations = [
        await createConversation(server.url),
        await createConversation(server.url),
      ];
      const clients = conversations.flatMap((conversationId, index) =>
        [
          ['socket.io', false],
          ['socket.io', true],
          ['v1', false],
          ['v1', true],
        ].map(
          ([face, wantsDeltas]) =>
            new ResumingClient(
              environment.history.stream(
                `${String(face)}${wantsDeltas === true ? '+deltas' : ''}-${index}`,
                conversationId,
                face as 'socket.io' | 'v1',
                wantsDeltas as boolean,
              ),
              { baseUrl: server.url },
            ),
        ),
      );
      // Connected before the first event exists.
      for (const client of clients) await client.connect();
      const writers = startWriters(environment, conversations, {
        baseUrl: server.url,
        pauseMs: 150,
        prefix: 'r2-',
      });
      let drops = 0;
      const deadline = Date.now() + durationMs;
      await Promise.all(
        clients.map(async (client) => {
          while (Date.now() < deadline) {
            await sleep(100 + Math.random() * 1_000);
            client.disconnect();
            drops += 1;
            await sleep(100 + Math.random() * (longestOutageMs - 100));
            await client.connect().catch(() => undefined);
          }
        }),
      );
      await writers.stop();
      const stored = await untilQuiet(environment);
      await untilCaughtUp(clients, stored);
      for (const client of clients) client.disconnect();
      await server.stop('SIGTERM');
      const delivered = clients.reduce(
        (sum, client) =>
          sum + client.stream.sessions.reduce((count, session) => count + session.ids.length, 0),
        0,
      );
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: drops,
        notes: [
          `${delivered} events delivered to ${clients.length} clients over ${drops} reconnects`,
        ],
      });
    } finally {
      await environment.cleanup();
    }
  },
};
