/**
 * R8: big history. A conversation is seeded with 10,000 agent messages of 1 KB (2,000 in the short
 * profile) straight through the event store while the server is stopped; the server restarts on
 * that database and clients of both faces connect at once, one per face from the start (-1) and
 * one per face holding everything up to the middle. Pass: each receives the whole log after its
 * resume point, in order (checker, complete); the server's peak resident memory during the replay
 * stays within twice the payload above its idle baseline. Figures: time from connect to the last
 * seeded event per client, the server's event-loop lag during the replay.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { atMost, buildResult, megabytes } from '../build-result.js';
import { within } from '../deadline.js';
import { ScenarioEnvironment } from '../environment.js';
import { mb, ms, reportedFigure } from '../figures.js';
import { createConversation } from '../rest-client.js';
import { RssWindow } from '../rss-window.js';
import type { Scenario } from '../scenario.js';
import { seedMessages } from '../seed-events.js';
import { loopLag, scrapeMetrics } from '../server-metrics.js';
import { untilCaughtUp, untilQuiet } from '../settle.js';
import { SocketIoProbe, V1Probe } from '../socket-probes.js';
import { ResumingClient } from '../stream-clients.js';

const eventBytes = 1024;

export const bigHistory: Scenario = {
  id: 'R8',
  title: 'big history',
  databases: ['sqlite', 'postgres'],
  async run(context) {
    const full = context.profile === 'full';
    const count = full ? 10_000 : 2_000;
    const environment = await ScenarioEnvironment.create(context.database);
    try {
      const first = await environment.startServer();
      const conversationId = await createConversation(first.url);
      const warmUp = await createConversation(first.url);
      await first.stop('SIGTERM');
      await seedMessages(environment, warmUp, 200, eventBytes);
      context.progress(`R8 ${context.database}: seeding ${count} events of ${eventBytes} bytes`);
      const seeded = await seedMessages(environment, conversationId, count, eventBytes);
      const payloadBytes = count * eventBytes;
      const middle = seeded.firstId + Math.floor(count / 2);

      const server = await environment.startServer();
      // The baseline includes what any replay costs once (compiled code, buffers, pools): a small
      // replay by the same kinds of client first.
      await warmUpReplay(server.url, warmUp);
      await sleep(1000);
      const baselineRss = server.rssBytes();
      await scrapeMetrics(server.url);

      const clients = (['socket.io', 'v1'] as const).flatMap((face) => {
        const fromStart = new ResumingClient(
          environment.history.stream(`${face}-from-start`, conversationId, face),
          { baseUrl: server.url },
        );
        const fromMiddle = new ResumingClient(
          environment.history.stream(`${face}-from-middle`, conversationId, face),
          { baseUrl: server.url },
        );
        // It already holds everything up to the middle: it resumes after `middle`.
        fromMiddle.stream.sessions.push({ cursor: middle - 1, ids: [middle], contents: new Map() });
        return [fromStart, fromMiddle];
      });
      context.progress(`R8 ${context.database}: ${clients.length} clients replaying`);
      const rss = new RssWindow(server);
      const startedAt = performance.now();
      const times = await within(
        Promise.all(
          clients.map(async (client) => {
            await client.connect();
            await client.untilId(seeded.lastId);
            return performance.now() - startedAt;
          }),
        ),
        120_000,
        'replays reaching the last seeded event',
      );
      const peakRss = rss.stop();
      const lag = loopLag(await scrapeMetrics(server.url));

      const stored = await untilQuiet(environment);
      await within(untilCaughtUp(clients, stored), 60_000, 'clients catching up');
      for (const client of clients) client.disconnect();
      await server.stop('SIGTERM');

      const slowest = Math.max(...times);
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: 0,
        extraOperations: clients.length,
        bounds: [
          atMost(
            'peak extra RSS during the replay (MB)',
            megabytes(peakRss - baselineRss),
            megabytes(2 * payloadBytes),
          ),
          reportedFigure(
            'connect → last seeded event',
            clients
              .map((client, index) => `${client.stream.client} ${ms(times[index] ?? Number.NaN)}`)
              .join(', '),
            { full, pass: slowest <= 500 },
          ),
          reportedFigure(
            'server event-loop lag during the replay',
            `p99 ${ms(lag.p99Ms)}, max ${ms(lag.maxMs)}`,
            { full, pass: lag.p99Ms <= 50 },
          ),
        ],
        notes: [
          `${count} events × ${eventBytes} B = ${mb(payloadBytes)} payload; baseline RSS ${mb(baselineRss)} (the idle server on the seeded database after a warm-up replay of 200 events by two clients per face), peak during the replay ${mb(peakRss)}`,
        ],
      });
    } finally {
      await environment.cleanup();
    }
  },
};

/** Two clients per face replay a small conversation to its end, then leave. */
async function warmUpReplay(baseUrl: string, conversationId: string): Promise<void> {
  const probes = [
    new SocketIoProbe({ baseUrl, conversationId, query: { latest_event_id: '-1' } }),
    new SocketIoProbe({ baseUrl, conversationId, query: { latest_event_id: '-1' } }),
    new V1Probe({ baseUrl, conversationId, query: { resend_all: 'true' } }),
    new V1Probe({ baseUrl, conversationId, query: { resend_all: 'true' } }),
  ];
  await within(
    Promise.all(probes.map((probe) => probe.untilText('seeded 199 '))),
    60_000,
    'warm-up replay',
  );
  for (const probe of probes) probe.close();
}
