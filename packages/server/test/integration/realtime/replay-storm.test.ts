// R12, the replay storm, against a real server process (Parley from dist in a child): a
// conversation holds one 3.9 MB message (`POST /api/conversations/{id}/message`), then a few hundred
// sockets of both faces replay it from the start at once (Socket.IO `latest_event_id=-1`, V1
// `resend_all=true`), some drop mid-replay, and all drop abruptly at the end. The full size
// is 2,000 sockets; here it is scaled down in sockets, not in the event, and the bound is the same
// formula: the process lives, its peak RSS stays under the baseline plus the configured replay
// budget plus a stated allowance, every socket gets its whole replay or a clear refusal, and RSS
// returns near the baseline once everyone is gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  runReplayStorm,
  summarizeStorm,
  type StormSocketOutcome,
} from '../../support/replay-storm.js';
import {
  prepareStormConversation,
  startStormServer,
  type StormServer,
} from '../../support/replay-storm-server-process.js';
import { testDatabaseBackends, type TestDatabase } from '../../support/test-databases.js';

const mebibyte = 1024 * 1024;
const sessionApiKey = 'storm-key';
/** The message: accepted, as the body limit is 4 MiB. Stored twice (message and content). */
const messageBytes = 3_900_000;
const socketsPerFace = 100;
/** Sockets of each face dropped right after their first replayed event. */
const droppedPerFace = 10;
/** The replay budget: room for the big page (5 × 7.8 MB of stored JSON) and the small ones. */
const budgetBytes = 48 * mebibyte;
/**
 * What the storm may add besides the budget: the V8 young generation and garbage between
 * collections, and each socket's own objects and read buffers. Before the fix, 200 sockets added
 * 2.5 GB; after it, about 20 MB.
 */
const allowanceBytes = 64 * mebibyte + socketsPerFace * 2 * 64 * 1024;
/** How close to the baseline RSS must come back once every socket is gone (after a full GC). */
const settledSlackBytes = 32 * mebibyte;

const backends = await testDatabaseBackends();

describe.each(backends)('replay storm (R12) on $name', (backend) => {
  let server: StormServer | undefined;
  let dataDirectory: string | undefined;
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await database?.cleanup();
    database = undefined;
    if (dataDirectory !== undefined) rmSync(dataDirectory, { recursive: true, force: true });
  });

  it.skipIf(!backend.available)(
    'lives, stays within the budget, and gives every socket its whole replay or a clear refusal',
    async () => {
      dataDirectory = mkdtempSync(join(tmpdir(), 'parley-storm-'));
      let databaseUrl: Record<string, string> = {};
      if (backend.name === 'postgres') {
        database = await backend.create({ migrate: false });
        databaseUrl = { DATABASE_URL: database.location };
      }
      server = await startStormServer({
        PARLEY_DATA_DIR: dataDirectory,
        ...databaseUrl,
        LOG_LEVEL: 'error',
        SESSION_API_KEY: sessionApiKey,
        PARLEY_RATE_LIMIT_PER_SECOND: '0',
        PARLEY_DEMO_TOKEN_DELAY_MS: '0',
        PARLEY_TITLE_FROM_LLM: 'false',
        PARLEY_REPLAY_BUDGET_BYTES: String(budgetBytes),
        PARLEY_REPLAY_WAIT_MS: '10000',
      });
      const stormServer = server;
      const conversation = await prepareStormConversation({
        url: stormServer.url,
        sessionApiKey,
        messageBytes,
      });
      const storm = {
        url: stormServer.url,
        conversationId: conversation.conversationId,
        sessionApiKey,
        lastEventId: conversation.lastEventId,
      };
      const baseline = await settledRss(stormServer);
      const peakReset = stormServer.resetPeak();
      let sampledPeak = 0;
      const sampler = setInterval(() => {
        if (stormServer.alive()) {
          sampledPeak = Math.max(sampledPeak, stormServer.memory().rssBytes);
        }
      }, 10);
      let outcomes: StormSocketOutcome[];
      try {
        outcomes = await runReplayStorm({
          ...storm,
          socketIoCount: socketsPerFace,
          webSocketCount: socketsPerFace,
          dropMidReplay: droppedPerFace,
          timeoutMs: 120_000,
        });
      } finally {
        clearInterval(sampler);
      }
      const context = `${JSON.stringify(summarizeStorm(outcomes))}\n${stormServer.output()}`;

      // The process lives and still answers.
      expect(stormServer.alive(), context).toBe(true);
      const alive = await fetch(`${stormServer.url}/alive`);
      expect(alive.status).toBe(200);
      const unclear = outcomes.filter(
        (outcome) => !['whole', 'refused', 'dropped'].includes(outcome.result),
      );
      expect(unclear, context).toEqual([]);

      // Memory: under the baseline plus the budget plus the allowance, at its peak.
      const memory = stormServer.memory();
      const peak = Math.max(sampledPeak, peakReset ? memory.peakRssBytes : 0);
      const report = `baseline ${mib(baseline)}, peak ${mib(peak)}, limit ${mib(baseline + budgetBytes + allowanceBytes)}`;
      console.info(`replay storm on ${backend.name}: ${report}; ${context.split('\n')[0]}`);
      expect(peak, report).toBeLessThanOrEqual(baseline + budgetBytes + allowanceBytes);

      // Everyone is gone (dropped without a close handshake): memory returns near the baseline.
      let settled = Infinity;
      for (let attempt = 0; attempt < 40 && settled > baseline + settledSlackBytes; attempt++) {
        settled = await settledRss(stormServer);
      }
      expect(settled, `settled ${mib(settled)}, baseline ${mib(baseline)}`).toBeLessThanOrEqual(
        baseline + settledSlackBytes,
      );

      // One quiet replay per face afterwards (the log has not changed): what a whole replay is.
      // Not before the storm: it would start warm, with the big page still kept for late joiners.
      const reference = await runReplayStorm({ ...storm, socketIoCount: 1, webSocketCount: 1 });
      expect(reference.map((outcome) => outcome.result)).toEqual(['whole', 'whole']);
      const expected = new Map(reference.map((outcome) => [outcome.face, outcome]));
      expect(Math.max(...reference.map((outcome) => outcome.largestFrameBytes))).toBeGreaterThan(
        2 * messageBytes,
      );

      // Every socket: its whole replay, a clear refusal, or the drop the driver chose.
      for (const outcome of outcomes) {
        if (outcome.result === 'dropped') continue;
        if (outcome.result === 'refused') {
          expect([['SOCKET_REPLAY_BUSY'], [1013]]).toContainEqual([outcome.refusal?.code]);
          continue;
        }
        expect(outcome.result, `${outcome.face} #${outcome.index}: ${context}`).toBe('whole');
        const whole = expected.get(outcome.face) as StormSocketOutcome;
        expect(outcome.ids).toEqual(whole.ids);
        expect(outcome.largestFrameBytes).toBe(whole.largestFrameBytes);
      }
      expect(outcomes.filter((outcome) => outcome.result === 'dropped')).toHaveLength(
        2 * droppedPerFace,
      );
    },
    240_000,
  );
});

/** The child's RSS after a full garbage collection and a pause for freed pages to leave. */
async function settledRss(server: StormServer): Promise<number> {
  await server.collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 250));
  await server.collectGarbage();
  return server.memory().rssBytes;
}

function mib(bytes: number): string {
  return `${(bytes / mebibyte).toFixed(0)} MiB`;
}
