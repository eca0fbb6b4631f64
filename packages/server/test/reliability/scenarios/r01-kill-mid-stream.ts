/**
 * R1: SIGKILL mid-stream, again and again. Conversations stream answers from the fake provider
 * while writers post messages and clients of both faces tail them; the server is killed at a
 * random moment and restarted on the same database; clients resume from their last id. Nothing
 * acknowledged or delivered may be lost, nothing doubled, ids stay gap-free, and no conversation
 * is left looking busy after the restart.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildResult } from '../build-result.js';
import { ScenarioEnvironment } from '../environment.js';
import { createConversation, postMessage } from '../rest-client.js';
import type { Scenario } from '../scenario.js';
import { untilCaughtUp, untilQuiet } from '../settle.js';
import { ResumingClient } from '../stream-clients.js';

const longAnswer = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');

export const killMidStream: Scenario = {
  id: 'R1',
  title: 'kill -9 mid-stream',
  databases: ['sqlite', 'postgres'],
  async run(context) {
    const rounds = context.profile === 'full' ? 10 : 3;
    const environment = await ScenarioEnvironment.create(context.database, {
      defaultBehaviour: { kind: 'reply', text: longAnswer, chunkDelayMs: 3 },
    });
    try {
      let server = await environment.startServer();
      const conversations = [
        await createConversation(server.url),
        await createConversation(server.url),
      ];
      const clients = conversations.flatMap((conversationId, index) =>
        (['socket.io', 'v1'] as const).map(
          (face) =>
            new ResumingClient(
              environment.history.stream(`${face}-${index}`, conversationId, face, true),
              { baseUrl: server.url },
            ),
        ),
      );
      let kills = 0;
      let agentStatesBusyAfterRestart = 0;
      for (let round = 0; round < rounds; round++) {
        context.progress(`R1 ${context.database}: round ${round + 1} of ${rounds}`);
        const baseUrl = server.url;
        for (const client of clients) await client.connect().catch(() => undefined);
        let writing = true;
        const writers = conversations.map(async (conversationId, index) => {
          while (writing) {
            const token = environment.history.token(`r1-w${index}`);
            const operation = await environment.history.record(
              `writer-${index}`,
              conversationId,
              token,
              () => postMessage(baseUrl, conversationId, `please answer ${token}`),
            );
            if (operation.result === 'unknown') return;
            await sleep(20 + Math.random() * 60);
          }
        });
        await sleep(400 + Math.random() * 1200);
        await server.stop('SIGKILL');
        kills += 1;
        writing = false;
        await Promise.all(writers);
        server = await environment.startServer();
        for (const client of clients) client.disconnect();
        const afterRestart = await environment.readLogs();
        agentStatesBusyAfterRestart += [...afterRestart.agentStates.values()].filter((state) =>
          ['running', 'loading'].includes(state),
        ).length;
        for (const client of clients) client.setBaseUrl(server.url);
      }
      for (const client of clients) await client.connect().catch(() => undefined);
      const stored = await untilQuiet(environment);
      await untilCaughtUp(clients, stored);
      for (const client of clients) client.disconnect();
      await server.stop('SIGTERM');
      const final = await environment.readLogs();
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: final,
        faults: kills,
        bounds: [
          {
            name: 'no conversation left busy after a restart',
            pass: agentStatesBusyAfterRestart === 0,
            detail: `${agentStatesBusyAfterRestart} busy`,
          },
        ],
      });
    } finally {
      await environment.cleanup();
    }
  },
};
