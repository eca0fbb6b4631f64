/**
 * R8: big history. A conversation is seeded with 10,000 agent messages of 1 KB straight through
 * the event store while the server is stopped; the server restarts on that database and clients
 * of both faces connect at once, one per face from the start (-1) and one per face holding
 * everything up to the middle, twice. Pass: each receives the whole log after its resume point, in
 * order (checker, complete); during the second replay, the server's peak live memory (V8 heap +
 * Buffers after a full collection, sampled back to back) stays within twice the payload above its
 * idle baseline. Figures, from the first replay: time from connect to the last seeded event per
 * client, the server's event-loop lag, its peak RSS (which also holds garbage the collector has
 * not swept yet: see forced-gc.ts).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { atMost, buildResult, megabytes } from '../build-result.js';
import { within } from '../deadline.js';
import { ScenarioEnvironment } from '../environment.js';
import { inspectorOption, LiveMemorySampler, liveMemoryBytes } from '../forced-gc.js';
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
    // The spec's size in both profiles: 10,000 events seed in about a second.
    const count = 10_000;
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

      const server = await environment.startServer({}, [inspectorOption]);
      // The baseline includes what any replay costs once (compiled code, buffers, pools): a small
      // replay by the same kinds of client first.
      await warmUpReplay(server.url, warmUp);
      await sleep(1000);
      const baselineRss = server.rssBytes();
      await scrapeMetrics(server.url);

      // Pass 1 is timed; pass 2, by four fresh clients once the pages kept from pass 1 are gone,
      // has its memory sampled (each sample's full collection pauses the server, which would
      // make the times and the loop lag the sampler's).
      context.progress(`R8 ${context.database}: four clients replaying, timed`);
      const timed = replayingClients(environment, server.url, conversationId, middle, 'timed');
      const rss = new RssWindow(server);
      const times = await replayToEnd(timed, seeded.lastId);
      const peakRss = rss.stop();
      const lag = loopLag(await scrapeMetrics(server.url));
      for (const client of timed) client.disconnect();

      await sleep(keptPagesGoneMs);
      const baselineLive = await liveMemoryBytes(server);
      context.progress(`R8 ${context.database}: four clients replaying, memory sampled`);
      const sampled = replayingClients(environment, server.url, conversationId, middle, 'sampled');
      const live = new LiveMemorySampler(server);
      await live.ready;
      const sampledTimes = await replayToEnd(sampled, seeded.lastId);
      const peakLive = await live.stop();

      const clients = [...timed, ...sampled];
      const stored = await untilQuiet(environment);
      await within(untilCaughtUp(clients, stored), 60_000, 'clients catching up');
      for (const client of sampled) client.disconnect();
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
            'peak extra live memory during the replay (MB)',
            megabytes(peakLive.peakBytes - baselineLive),
            megabytes(2 * payloadBytes),
          ),
          reportedFigure(
            'connect → last seeded event',
            timed
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
          `${count} events × ${eventBytes} B = ${mb(payloadBytes)} payload; RSS during the timed replay ${mb(baselineRss)} → peak ${mb(peakRss)} (+${mb(peakRss - baselineRss)}: the collector sweeps promoted page garbage late); live memory during the sampled replay ${mb(baselineLive)} → peak ${mb(peakLive.peakBytes)} (largest of ${peakLive.samples} samples over ${ms(Math.max(...sampledTimes))}). Baselines: the idle server after a warm-up replay of 200 events by two clients per face`,
        ],
      });
    } finally {
      await environment.cleanup();
    }
  },
};

/** Longer than the server keeps a page nobody holds (`replayPageRetainMs`). */
const keptPagesGoneMs = 2_500;

/**
 * One client per face from the start and one per face holding everything up to `middle`, named
 * after `pass` in the history.
 */
function replayingClients(
  environment: ScenarioEnvironment,
  baseUrl: string,
  conversationId: string,
  middle: number,
  pass: string,
): ResumingClient[] {
  return (['socket.io', 'v1'] as const).flatMap((face) => {
    const fromStart = new ResumingClient(
      environment.history.stream(`${face}-from-start-${pass}`, conversationId, face),
      { baseUrl },
    );
    const fromMiddle = new ResumingClient(
      environment.history.stream(`${face}-from-middle-${pass}`, conversationId, face),
      { baseUrl },
    );
    // It already holds everything up to the middle: it resumes after `middle`.
    fromMiddle.stream.sessions.push({ cursor: middle - 1, ids: [middle], contents: new Map() });
    return [fromStart, fromMiddle];
  });
}

/** Connects the clients at once; each one's time (ms) from then to holding `lastId`. */
async function replayToEnd(clients: readonly ResumingClient[], lastId: number): Promise<number[]> {
  const startedAt = performance.now();
  return within(
    Promise.all(
      clients.map(async (client) => {
        await client.connect();
        await client.untilId(lastId);
        return performance.now() - startedAt;
      }),
    ),
    120_000,
    'replays reaching the last seeded event',
  );
}

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
