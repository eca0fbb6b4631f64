/**
 * R11: SIGTERM under load. Writers post, turns stream, clients of both faces watch; the server is
 * told to stop. It must exit by itself (code 0, within its shutdown deadline), close each socket
 * with a reason (V1 1001), keep every acknowledged write, refuse or keep what arrives while it
 * closes, and read as stopped, not crashed, after the restart; clients resume with no gap.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { atMost, buildResult } from '../build-result.js';
import { ScenarioEnvironment } from '../environment.js';
import { createConversation } from '../rest-client.js';
import type { BoundCheck, Scenario } from '../scenario.js';
import { untilCaughtUp, untilQuiet } from '../settle.js';
import { ResumingClient } from '../stream-clients.js';
import { startWriters } from '../writers.js';

const shutdownDeadlineMs = 10_000;

export const gracefulShutdown: Scenario = {
  id: 'R11',
  title: 'graceful shutdown',
  databases: ['sqlite', 'postgres'],
  async run(context) {
    const rounds = context.profile === 'full' ? 5 : 1;
    const environment = await ScenarioEnvironment.create(context.database, {
      defaultBehaviour: {
        kind: 'reply',
        text: Array.from({ length: 30 }, (_, index) => `part${index}`).join(' '),
        chunkDelayMs: 10,
      },
    });
    const serverSettings = { PARLEY_SHUTDOWN_TIMEOUT_MS: String(shutdownDeadlineMs) };
    try {
      let server = await environment.startServer(serverSettings);
      const conversations = [
        await createConversation(server.url),
        await createConversation(server.url),
      ];
      const clients = conversations.flatMap((conversationId, index) =>
        (['socket.io', 'v1'] as const).map(
          (face) =>
            new ResumingClient(
              environment.history.stream(`${face}-${index}`, conversationId, face),
              {
                baseUrl: server.url,
              },
            ),
        ),
      );
      const bounds: BoundCheck[] = [];
      const closeReasons = new Set<string>();
      let slowestExitMs = 0;
      let badExits = 0;
      let interrupted = 0;
      for (let round = 0; round < rounds; round++) {
        context.progress(`R11 ${context.database}: round ${round + 1} of ${rounds}`);
        for (const client of clients) await client.connect();
        const writers = startWriters(environment, conversations, {
          baseUrl: server.url,
          pauseMs: 40,
          prefix: `r11-${round}-`,
        });
        await sleep(500 + Math.random() * 800);
        const stopAsked = performance.now();
        const exit = await server.stop('SIGTERM');
        slowestExitMs = Math.max(slowestExitMs, performance.now() - stopAsked);
        if (exit.code !== 0) badExits += 1;
        await writers.stop();
        await Promise.all(clients.map((client) => client.untilEnded()));
        for (const client of clients) {
          closeReasons.add(
            [`${client.face}:`, client.lastEnd?.code, client.lastEnd?.reason]
              .filter((part) => part !== undefined)
              .join(' '),
          );
        }
        server = await environment.startServer(serverSettings);
        const restarted = await environment.readLogs();
        interrupted += conversations.filter(
          (conversationId) => restarted.agentStates.get(conversationId) === 'error',
        ).length;
        for (const client of clients) client.setBaseUrl(server.url);
      }
      for (const client of clients) await client.connect();
      const stored = await untilQuiet(environment);
      await untilCaughtUp(clients, stored);
      for (const client of clients) client.disconnect();
      await server.stop('SIGTERM');
      bounds.push(
        { name: 'exit code 0', pass: badExits === 0, detail: `${badExits} bad exits` },
        atMost('slowest exit after SIGTERM', Math.round(slowestExitMs), shutdownDeadlineMs, ' ms'),
        {
          name: 'sockets closed with a reason',
          pass: [...closeReasons].every(
            (reason) =>
              reason === 'v1: 1001 server shutting down' ||
              reason === 'socket.io: io server disconnect',
          ),
          detail: [...closeReasons].join(', '),
        },
        {
          name: 'restart reads stopped, not interrupted',
          pass: interrupted === 0,
          detail: `${interrupted} conversation(s) in error after a restart`,
        },
      );
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: rounds,
        bounds,
      });
    } finally {
      await environment.cleanup();
    }
  },
};
