/**
 * R10: Redis outage. Today Redis carries only the shared rate-limit store (REDIS_URL); the
 * cross-process fan-out of the spec's R10 comes with scale-out. The server runs with the per-IP
 * limiter on, backed by a private redis-server; writers (from 127.0.0.2, under the limit) post to
 * two conversations that clients of both faces watch. Redis is killed mid-run and started again
 * on the same port (three times in the full profile). Pass: before the outage a burst from
 * 127.0.0.1 draws 429s and the limiter's keys are in Redis; during it the server keeps serving
 * (the limiter fails open: every burst request answered, none refused, a warning logged); after
 * it a burst draws 429s again; every write acknowledged and stored once, every stream gap-free,
 * no watcher dropped. Figures: how long the limiter took to work again.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { buildResult } from '../build-result.js';
import { eventually, within } from '../deadline.js';
import { ScenarioEnvironment } from '../environment.js';
import { ms, reportedFigure } from '../figures.js';
import { httpBurst, type BurstOutcome } from '../flood-load.js';
import { httpProbe } from '../http-probe.js';
import { PrivateRedis } from '../private-redis.js';
import { createConversation } from '../rest-client.js';
import type { BoundCheck, Scenario } from '../scenario.js';
import { untilCaughtUp, untilQuiet } from '../settle.js';
import { ResumingClient } from '../stream-clients.js';

const writerAddress = '127.0.0.2';

function burst(baseUrl: string): Promise<BurstOutcome> {
  // All at once: with fewer in flight, the delayed ones pace the rest under the limit.
  return httpBurst({ baseUrl, paths: ['/alive'], count: 40, concurrency: 40 });
}

function describe(outcome: BurstOutcome): string {
  const statuses = [...outcome.statuses].map(([status, count]) => `${status}×${count}`);
  return `${statuses.join(' ')}${outcome.failures > 0 ? ` ${outcome.failures} failed` : ''}`;
}

async function rateLimitKeys(url: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    return (await client.keys('parley:rate-limit:*')).length;
  } finally {
    client.disconnect();
  }
}

export const redisOutage: Scenario = {
  id: 'R10',
  title: 'Redis outage',
  databases: ['sqlite'],
  async run(context) {
    const full = context.profile === 'full';
    const outages = full ? 3 : 1;
    const outageMs = full ? 5_000 : 1_500;
    const redis = await PrivateRedis.start();
    const environment = await ScenarioEnvironment.create(context.database);
    try {
      const server = await environment.startServer({
        REDIS_URL: redis.url,
        PARLEY_RATE_LIMIT_PER_SECOND: '10',
        LOG_LEVEL: 'info',
      });
      const baseUrl = server.url;
      const conversations = [await createConversation(baseUrl), await createConversation(baseUrl)];
      const watchers = conversations.flatMap((conversationId, index) =>
        (['socket.io', 'v1'] as const).map(
          (face) =>
            new ResumingClient(
              environment.history.stream(`${face}-${index}`, conversationId, face, true),
              { baseUrl },
            ),
        ),
      );
      for (const watcher of watchers) await within(watcher.connect(), 30_000, 'watcher connect');
      let writing = true;
      let refusedWrites = 0;
      const writers = conversations.map(async (conversationId, index) => {
        while (writing) {
          const token = environment.history.token(`r10-w${index}`);
          const operation = await environment.history.record(
            `writer-${index}`,
            conversationId,
            token,
            async () => {
              const answer = await httpProbe(baseUrl, {
                method: 'POST',
                path: `/api/conversations/${conversationId}/message`,
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ message: `please answer ${token}` }),
                localAddress: writerAddress,
              });
              return answer.status === 200
                ? { acknowledged: true }
                : { acknowledged: false, detail: String(answer.status) };
            },
          );
          if (operation.result !== 'ok') refusedWrites += 1;
          await sleep(400);
        }
      });

      const bounds: BoundCheck[] = [];
      const recoveries: number[] = [];
      for (let outage = 1; outage <= outages; outage++) {
        await sleep(1100);
        const before = await burst(baseUrl);
        const keys = await rateLimitKeys(redis.url);
        bounds.push({
          name: `outage ${outage}: the limiter works through Redis before it`,
          pass: (before.statuses.get(429) ?? 0) > 0 && keys > 0,
          detail: `burst ${describe(before)}; ${keys} limiter keys in Redis`,
        });
        context.progress(`R10: killing redis-server (${outage} of ${outages})`);
        await redis.kill();
        await sleep(200);
        const during = await burst(baseUrl);
        await sleep(outageMs);
        const servedDuring = during.statuses.get(200) ?? 0;
        bounds.push({
          name: `outage ${outage}: the server keeps serving without Redis (fails open)`,
          pass: servedDuring === 40 && during.failures === 0,
          detail: `burst ${describe(during)}`,
        });
        await redis.restart();
        const restartedAt = performance.now();
        const limitingAgain = await eventually(
          async () => {
            const after = await burst(baseUrl);
            return (after.statuses.get(429) ?? 0) > 0;
          },
          20_000,
          1100,
        );
        recoveries.push(performance.now() - restartedAt);
        bounds.push({
          name: `outage ${outage}: the limiter works again once Redis is back`,
          pass: limitingAgain,
          detail: limitingAgain
            ? `429s again after ${ms(recoveries.at(-1) ?? 0)}`
            : 'no 429 within 20 s',
        });
      }
      writing = false;
      await Promise.all(writers);
      const stored = await untilQuiet(environment);
      await within(untilCaughtUp(watchers, stored), 60_000, 'watchers catching up');
      const watchersStayed = watchers.every(
        (watcher) => watcher.connected && watcher.stream.sessions.length === 1,
      );
      for (const watcher of watchers) watcher.disconnect();
      const warned = /rate-limit store failed|Redis is unreachable/.test(server.output);
      await server.stop('SIGTERM');

      bounds.push(
        {
          name: 'writers and watchers unaffected',
          pass: refusedWrites === 0 && watchersStayed,
          detail: `${refusedWrites} writes refused; watchers ${watchersStayed ? 'kept their one session' : 'were disconnected'}`,
        },
        {
          name: 'the outage is logged as a warning',
          pass: warned,
          detail: warned ? 'logged' : 'no warning in the server output',
        },
        reportedFigure('time for the limiter to work again', recoveries.map(ms).join(', '), {
          full,
          pass: recoveries.every((recovery) => recovery <= 5_000),
        }),
      );
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: outages,
        bounds,
        notes: [
          "Redis carries only the rate-limit store today; fan-out across processes (the spec's R10) comes with scale-out",
        ],
      });
    } finally {
      await environment.cleanup();
      await redis.kill();
    }
  },
};
