/**
 * R7: flood, with the per-IP rate limiter on (10 requests per second, set explicitly) and the
 * socket message limit at its defaults (20 per second, burst 40). A well-behaved client on its own
 * IP (127.0.0.2) writes to its conversation a few times a second and watches it over both faces,
 * first alone (the baseline), then while 127.0.0.1 floods: one Socket.IO client sends messages as
 * fast as it can, hundreds of sockets open at once, and a burst of HTTP requests arrives. Pass:
 * the limiter engages (429s, `SOCKET_RATE_LIMITED` error frames, flood disconnects); the
 * well-behaved client's writes are all acknowledged and stored and its streams stay gap-free and
 * connected; memory stays bounded; after the flood a fresh request from the flooding IP succeeds.
 * Figures: the well-behaved client's write→delivery p99 under flood vs baseline, time to the
 * first 429, time to recovery.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenLatency } from '../arrivals.js';
import { atMost, buildResult, megabytes } from '../build-result.js';
import { eventually, within } from '../deadline.js';
import { ScenarioEnvironment } from '../environment.js';
import { mb, ms, percentile, reportedFigure } from '../figures.js';
import { httpBurst, socketMessageFlood, socketOpenFlood } from '../flood-load.js';
import { httpProbe } from '../http-probe.js';
import { createConversation } from '../rest-client.js';
import type { Scenario } from '../scenario.js';
import { untilCaughtUp, untilQuiet } from '../settle.js';
import { ResumingClient } from '../stream-clients.js';

const wellBehavedAddress = '127.0.0.2';
const messageBurst = 40;
/** Extra resident memory the floods may cost (sockets, queued messages, delayed requests). */
const memoryAllowanceBytes = 256 * 1024 * 1024;

export const flood: Scenario = {
  id: 'R7',
  title: 'flood',
  databases: ['sqlite'],
  async run(context) {
    const full = context.profile === 'full';
    const sizes = full
      ? { messages: 10_000, sockets: 1_000, requests: 15_000, baselineMs: 10_000 }
      : { messages: 1_000, sockets: 200, requests: 2_000, baselineMs: 3_000 };
    const environment = await ScenarioEnvironment.create(context.database);
    try {
      const server = await environment.startServer({
        PARLEY_RATE_LIMIT_PER_SECOND: '10',
        PARLEY_SOCKET_MESSAGES_PER_SECOND: '20',
        PARLEY_SOCKET_MESSAGE_BURST: String(messageBurst),
        PARLEY_MAX_RUNNING_CONVERSATIONS: '100',
      });
      const baseUrl = server.url;
      const calm = await createConversation(baseUrl);
      const flooded = await createConversation(baseUrl);
      const crowded = await createConversation(baseUrl);
      const watchers = (['socket.io', 'v1'] as const).map(
        (face) =>
          new ResumingClient(environment.history.stream(`calm-${face}`, calm, face), { baseUrl }),
      );
      const latency = new TokenLatency(/r7-calm-\d+-[a-z0-9]+/);
      latency.watch(watchers[0] as ResumingClient);
      for (const watcher of watchers) await within(watcher.connect(), 30_000, 'watcher connect');

      const samplesAt = { baseline: 0, flood: 0 };
      let writing = true;
      let refusedWrites = 0;
      const writer = (async () => {
        while (writing) {
          const token = environment.history.token('r7-calm');
          latency.published(token);
          const operation = await environment.history.record(
            'calm-writer',
            calm,
            token,
            async () => {
              const answer = await httpProbe(baseUrl, {
                method: 'POST',
                path: `/api/conversations/${calm}/message`,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ message: `calm ${token}` }),
                localAddress: wellBehavedAddress,
              });
              return answer.status === 200
                ? { acknowledged: true }
                : { acknowledged: false, detail: String(answer.status) };
            },
          );
          if (operation.result !== 'ok') refusedWrites += 1;
          await sleep(150);
        }
      })();
      await sleep(sizes.baselineMs);
      samplesAt.baseline = latency.samples.length;
      const baselineRss = server.rssBytes();

      context.progress(
        `R7: flooding (${sizes.messages} messages, ${sizes.sockets} sockets, ${sizes.requests} requests)`,
      );
      const sockets = await socketOpenFlood({
        baseUrl,
        conversationId: crowded,
        count: sizes.sockets,
        timeoutMs: 60_000,
      });
      const [messageFlood, burst] = await Promise.all([
        socketMessageFlood({
          baseUrl,
          conversationId: flooded,
          total: sizes.messages,
          burst: messageBurst,
          history: environment.history,
          timeoutMs: 30_000,
        }),
        httpBurst({
          baseUrl,
          paths: ['/alive', `/api/conversations/${flooded}/events?limit=1`],
          count: sizes.requests,
          concurrency: 50,
        }),
      ]);
      const socketsClosedByServer = sockets.close();
      const floodEndedAt = performance.now();
      samplesAt.flood = latency.samples.length;
      const floodPeakRss = environment.peakRssBytes;

      const recovered = await eventually(async () => {
        const answer = await httpProbe(baseUrl, { method: 'GET', path: '/alive' });
        return answer.status === 200;
      }, 30_000);
      const recoveryMs = performance.now() - floodEndedAt;
      writing = false;
      await writer;
      context.progress('R7: settling');
      const stored = await untilQuiet(environment);
      await within(untilCaughtUp(watchers, stored), 60_000, 'watchers catching up');
      const watchersStayed = watchers.every(
        (watcher) => watcher.connected && watcher.stream.sessions.length === 1,
      );
      for (const watcher of watchers) watcher.disconnect();
      await server.stop('SIGTERM');

      const baselineP99 = percentile(latency.samples.slice(0, samplesAt.baseline), 0.99);
      const floodP99 = percentile(latency.samples.slice(samplesAt.baseline, samplesAt.flood), 0.99);
      const rateLimited = messageFlood.errors.get('SOCKET_RATE_LIMITED') ?? 0;
      const refusedRequests = burst.statuses.get(429) ?? 0;
      const floodStored = [...(stored.logs.get(flooded) ?? [])].filter(
        (entry) => entry.kind === 'message' && entry.content?.startsWith('flood ') === true,
      ).length;
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: messageFlood.sent + sizes.sockets + sizes.requests,
        extraOperations: sizes.sockets + sizes.requests,
        bounds: [
          {
            name: 'limiter engages (429, SOCKET_RATE_LIMITED, flood disconnects)',
            pass: refusedRequests > 0 && rateLimited > 0 && messageFlood.disconnects > 0,
            detail: `HTTP ${[...burst.statuses].map(([status, count]) => `${status}×${count}`).join(' ')} (${burst.failures} failed) in ${ms(burst.durationMs)}; socket messages: ${messageFlood.sent} sent over ${messageFlood.sessions} sessions, ${rateLimited} SOCKET_RATE_LIMITED, ${messageFlood.disconnects} disconnects, ${floodStored} stored (${messageFlood.certainlyAccepted} certainly accepted)`,
          },
          {
            name: 'refused flood messages not stored',
            pass: floodStored <= messageFlood.sent - rateLimited,
            detail: `${floodStored} stored ≤ ${messageFlood.sent} sent − ${rateLimited} refused`,
          },
          {
            name: 'well-behaved client unaffected',
            pass: refusedWrites === 0 && watchersStayed,
            detail: `${refusedWrites} of its writes refused; watchers ${watchersStayed ? 'kept their one session' : 'were disconnected'}`,
          },
          {
            name: 'sockets opened by one IP',
            pass: true,
            detail: `${sockets.opened} of ${sizes.sockets} opened, ${socketsClosedByServer} closed by the server${sockets.refused.length === 0 ? '' : `; refused: ${sockets.refused[0] ?? ''}`}`,
          },
          atMost(
            'peak extra RSS during the flood (MB)',
            megabytes(floodPeakRss - baselineRss),
            megabytes(memoryAllowanceBytes),
          ),
          {
            name: 'recovers after the flood',
            pass: recovered,
            detail: `fresh request ${recovered ? 'served' : 'still refused'} after ${ms(recoveryMs)}`,
          },
          reportedFigure('first 429 after the burst began', ms(burst.firstRefusalMs), {
            full,
            pass: burst.firstRefusalMs <= 1000,
          }),
          reportedFigure(
            'well-behaved write→delivery p99, flood vs baseline',
            `${ms(floodP99)} vs ${ms(baselineP99)} (${(floodP99 / baselineP99).toFixed(2)}x; ${samplesAt.flood - samplesAt.baseline} and ${samplesAt.baseline} samples)`,
            { full, pass: floodP99 <= 1.5 * baselineP99 },
          ),
          reportedFigure('recovery after the flood', ms(recoveryMs), {
            full,
            pass: recoveryMs <= 5000,
          }),
        ],
        notes: [`baseline RSS ${mb(baselineRss)}`],
      });
    } finally {
      await environment.cleanup();
    }
  },
};
