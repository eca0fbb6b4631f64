/**
 * R5: malformed and oversized input. fast-check generates REST bodies for every write route
 * (arbitrary JSON, wrong types, deep nesting, invalid UTF-8, truncated JSON, wrong content types,
 * limit + 1 bytes, a huge declared Content-Length), `oh_user_action` payloads for Socket.IO and
 * frames for the V1 socket, all aimed at one conversation; dedicated connections send what must
 * end them (invalid UTF-8, frames over 4 MiB, an unparsable packet, an unfinished fragment) and
 * upgrades that never finish stay open throughout. Meanwhile a writer and clients of both faces
 * use another conversation. Pass: no crash; every REST answer is 2xx or a 4xx JSON body; every
 * invalid frame draws exactly one error frame; the right close codes; nothing a refusal answered
 * is stored anywhere; every accepted message is stored once; the bystanders are never
 * disconnected and miss nothing; memory bounded.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { abuseConnections, slowUpgrades } from '../abuse-connections.js';
import { atMost, buildResult, megabytes } from '../build-result.js';
import { markersFound, readDatabaseText } from '../database-text.js';
import { within } from '../deadline.js';
import { ScenarioEnvironment } from '../environment.js';
import { mb, ms, reportedFigure } from '../figures.js';
import { restCases, writeRoutes } from '../fuzz-rest-inputs.js';
import { describeStatuses, runRestFuzz } from '../fuzz-rest-run.js';
import { socketIoInputs, v1Inputs } from '../fuzz-socket-inputs.js';
import { fuzzSocket, socketIoFace, v1Face, type SocketFuzzOutcome } from '../fuzz-socket-run.js';
import { createConversation, postMessage, rest } from '../rest-client.js';
import type { BoundCheck, Scenario } from '../scenario.js';
import { loopLag, scrapeMetrics } from '../server-metrics.js';
import { untilCaughtUp, untilQuiet } from '../settle.js';
import { deepestInputStalls } from '../stall-probes.js';
import { ResumingClient } from '../stream-clients.js';

const tokenPattern = /r5t_\d+_[0-9a-f]{6}/g;
/** Extra resident memory the fuzzing may cost the server (a few 4 MiB bodies in flight, caches). */
const memoryAllowanceBytes = 256 * 1024 * 1024;

export const malformedInput: Scenario = {
  id: 'R5',
  title: 'malformed and oversized input',
  databases: ['sqlite'],
  async run(context) {
    const full = context.profile === 'full';
    const seed = Number(process.env['PARLEY_RELIABILITY_SEED'] ?? Date.now() % 2 ** 31);
    const sizes = full
      ? { rest: 5_000, edgeRounds: 3, socketIo: 5_000, v1: 5_000, messages: 150 }
      : { rest: 400, edgeRounds: 1, socketIo: 300, v1: 300, messages: 60 };
    let tokens = 0;
    const token = (): string => `r5t_${++tokens}_${randomBytes(3).toString('hex')}`;
    const environment = await ScenarioEnvironment.create(context.database);
    try {
      const server = await environment.startServer({
        // The limiter is R7's subject: here every frame must reach validation.
        PARLEY_SOCKET_MESSAGES_PER_SECOND: '100000',
        PARLEY_SOCKET_MESSAGE_BURST: '100000',
        // Fuzzed creations start agent loops; none may push the bystander's loop out.
        PARLEY_MAX_RUNNING_CONVERSATIONS: '10000',
      });
      const baseUrl = server.url;
      const target = await createConversation(baseUrl);
      // The sockets get their own conversation: each turn reads its whole log.
      const socketTarget = await createConversation(baseUrl);
      const bystander = await createConversation(baseUrl);
      const fixedSecret = 'r5_fixed_secret';
      await rest(baseUrl, 'POST', '/api/secrets', {
        name: fixedSecret,
        value: `sealed_${randomBytes(12).toString('hex')}`,
      });
      const watchers = (['socket.io', 'v1'] as const).map(
        (face) =>
          new ResumingClient(
            environment.history.stream(`bystander-${face}`, bystander, face, true),
            {
              baseUrl,
            },
          ),
      );
      for (const watcher of watchers) await within(watcher.connect(), 30_000, 'bystander connect');
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const writeToken = environment.history.token('r5-bystander');
          await environment.history.record('bystander-writer', bystander, writeToken, () =>
            postMessage(baseUrl, bystander, `bystander ${writeToken}`),
          );
          await sleep(200);
        }
      })();
      const slow = await slowUpgrades(baseUrl, `/sockets/events/${socketTarget}`, 5);
      await sleep(500);
      const baselineRss = server.rssBytes();
      await scrapeMetrics(baseUrl);

      context.progress(`R5: ${sizes.rest} REST cases (seed ${seed})`);
      const cases = restCases({
        routes: writeRoutes(target, fixedSecret),
        count: sizes.rest,
        edgeRounds: sizes.edgeRounds,
        seed,
        token,
      });
      const restOutcome = await runRestFuzz({
        baseUrl,
        cases,
        history: environment.history,
        conversationId: target,
        concurrency: 4,
      });
      const lags = [loopLag(await scrapeMetrics(baseUrl))];

      context.progress(`R5: ${sizes.socketIo} Socket.IO payloads, ${sizes.v1} V1 frames`);
      const probeTarget = { baseUrl, conversationId: socketTarget };
      const socketOutcomes = await Promise.all([
        fuzzSocket(
          socketIoFace(probeTarget),
          socketIoInputs({
            count: sizes.socketIo,
            seed: seed + 1,
            maxMessages: sizes.messages,
            token,
          }),
          token(),
          60_000,
        ),
        fuzzSocket(
          v1Face(probeTarget),
          v1Inputs({ count: sizes.v1, seed: seed + 2, maxMessages: sizes.messages, token }),
          token(),
          60_000,
        ),
      ]);
      lags.push(loopLag(await scrapeMetrics(baseUrl)));
      context.progress('R5: connections that must be dropped');
      const abuse = await abuseConnections(probeTarget, {
        ...(full ? { hugeFrameBytes: 100 * 1024 * 1024 } : {}),
        timeoutMs: 30_000,
      });
      lags.push(loopLag(await scrapeMetrics(baseUrl)));
      context.progress('R5: one input nested as deep as 4 MiB allows, per face');
      const fuzzPeakRss = environment.peakRssBytes;
      const stalls = await deepestInputStalls(probeTarget);
      const slowClosedByServer = slow.release();
      writing = false;
      await writer;

      for (const outcome of socketOutcomes) {
        const counted = outcome.errorFrames === outcome.invalid && outcome.ended === undefined;
        for (const validToken of outcome.validTokens) {
          await environment.history.record(
            `${outcome.face}-fuzzer`,
            socketTarget,
            validToken,
            () =>
              counted
                ? Promise.resolve({ acknowledged: true })
                : Promise.reject(new Error('error frames do not match the invalid frames')),
          );
        }
      }
      const stored = await untilQuiet(environment, { maximumReads: full ? 2000 : 400 });
      await within(untilCaughtUp(watchers, stored), 60_000, 'bystanders catching up');
      const bystanderSessions = watchers.map((watcher) => watcher.stream.sessions.length);
      const bystandersStayed = watchers.every(
        (watcher) => watcher.connected && watcher.stream.sessions.length === 1,
      );
      for (const watcher of watchers) watcher.disconnect();

      const databaseText = await readDatabaseText(environment);
      const apiText = [
        (await rest(baseUrl, 'GET', '/api/secrets')).text,
        (await rest(baseUrl, 'GET', '/api/settings')).text,
      ];
      const refusedFound = markersFound(
        [...databaseText.rows, ...apiText],
        restOutcome.refused,
        tokenPattern,
      );
      const createdTokens = restOutcome.acknowledged.get('create') ?? [];
      const createdMissing = createdTokens.filter(
        (created) => markersFound(databaseText.rows, [created], tokenPattern).length === 0,
      );
      const expectedConversations = 3 + createdTokens.length;
      const stallPeakRss = environment.peakRssBytes;
      await server.stop('SIGTERM');

      const bounds: BoundCheck[] = [
        {
          name: 'every REST answer 2xx or a 4xx JSON body',
          pass: restOutcome.violations.length === 0,
          detail: `${restOutcome.requests} requests: ${describeStatuses(restOutcome.statusCounts)}${restOutcome.violations.length === 0 ? '' : `; ${restOutcome.violations.length} broken, first: ${restOutcome.violations.slice(0, 3).join(' | ')}`}`,
        },
        ...socketOutcomes.map((outcome) => socketBound(outcome)),
        ...abuse.bounds,
        {
          name: 'nothing written by refused requests',
          pass:
            refusedFound.length === 0 &&
            createdMissing.length === 0 &&
            databaseText.conversationIds.length === expectedConversations,
          detail: `${restOutcome.refused.length} refused, ${refusedFound.length} found stored; ${databaseText.conversationIds.length} conversations (expected ${expectedConversations}); ${createdMissing.length} acknowledged creations missing`,
        },
        {
          name: 'bystanders never disconnected',
          pass: bystandersStayed,
          detail: `sessions per bystander: ${bystanderSessions.join(', ')}`,
        },
        atMost(
          'peak extra RSS while fuzzing (MB)',
          megabytes(fuzzPeakRss - baselineRss),
          megabytes(memoryAllowanceBytes),
        ),
        atMost(
          'peak extra RSS after one nested 4 MiB input per face (MB)',
          megabytes(stallPeakRss - baselineRss),
          megabytes(memoryAllowanceBytes),
        ),
        {
          // The fuzz runs with the socket rate limit lifted: its lag is load, reported only.
          name: 'event-loop lag while fuzzing (REST, sockets, dropped connections)',
          pass: true,
          detail: `${lags.map((lag) => `p99 ${ms(lag.p99Ms)} max ${ms(lag.maxMs)}`).join('; ')} (reported)`,
        },
        reportedFigure(
          'stall from one input nested 2M levels deep (4 MiB)',
          stalls.map((stall) => `${stall.input} ${ms(stall.maxLagMs)}`).join(', '),
          { full, pass: stalls.every((stall) => stall.maxLagMs <= 100) },
        ),
      ];
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults:
          restOutcome.requests +
          socketOutcomes.reduce((sum, outcome) => sum + outcome.sent, 0) +
          abuse.faults +
          stalls.length +
          5,
        bounds,
        extraOperations: restOutcome.requests,
        notes: [
          `seed ${seed} (PARLEY_RELIABILITY_SEED=${seed} replays the same inputs)`,
          `baseline RSS ${mb(baselineRss)}; 5 never-finished upgrades held open, ${slowClosedByServer} closed by the server`,
        ],
      });
    } finally {
      await environment.cleanup();
    }
  },
};

function socketBound(outcome: SocketFuzzOutcome): BoundCheck {
  return {
    name: `${outcome.face}: one error frame per invalid frame, connection kept`,
    pass: outcome.errorFrames === outcome.invalid && outcome.ended === undefined,
    detail: `${outcome.sent} sent, ${outcome.invalid} invalid, ${outcome.errorFrames} error frames, ${outcome.validTokens.length} messages${outcome.ended === undefined ? '' : `, ended: ${outcome.ended}`}`,
  };
}
