/**
 * R12: a conversation holds one 3.9 MB event; many sockets of both faces replay it from the start
 * at once, some dropped mid-replay, then all dropped abruptly. The process lives, its memory stays
 * under the configured replay budget plus a stated allowance, and every socket gets its whole
 * replay or a clear refusal (Socket.IO connect_error / error event, V1 close 1013), never a silent
 * partial stream.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runReplayStorm } from '../../support/replay-storm.js';
import { atMost, buildResult, megabytes } from '../build-result.js';
import { ScenarioEnvironment } from '../environment.js';
import { createConversation, postMessage } from '../rest-client.js';
import type { Scenario } from '../scenario.js';
import { lastRequiredId, untilQuiet } from '../settle.js';

const bigMessageBytes = 3_900_000;
const mebibyte = 1024 * 1024;

export const replayStorm: Scenario = {
  id: 'R12',
  title: 'replay storm',
  databases: ['sqlite', 'postgres'],
  async run(context) {
    const full = context.profile === 'full';
    const socketsPerFace = full ? 1_000 : 100;
    const budgetBytes = (full ? 64 : 48) * mebibyte;
    // What the storm may add beyond the budget: the sockets' own state and buffers, GC slack.
    const allowanceBytes = 64 * mebibyte + socketsPerFace * 2 * 64 * 1024;
    const environment = await ScenarioEnvironment.create(context.database, {
      defaultBehaviour: { kind: 'reply', text: 'noted' },
    });
    try {
      const server = await environment.startServer({
        PARLEY_REPLAY_BUDGET_BYTES: String(budgetBytes),
        PARLEY_REPLAY_WAIT_MS: '30000',
      });
      const conversationId = await createConversation(server.url);
      const token = environment.history.token('r12');
      await environment.history.record('r12', conversationId, token, () =>
        postMessage(server.url, conversationId, `${token} ${'x'.repeat(bigMessageBytes)}`),
      );
      const stored = await untilQuiet(environment);
      const log = stored.logs.get(conversationId) ?? [];
      const lastEventId = Math.min(
        lastRequiredId(log, { wantsDeltas: false, face: 'socket.io' }),
        lastRequiredId(log, { wantsDeltas: false, face: 'v1' }),
      );
      await sleep(500);
      const baselineBytes = server.rssBytes();
      context.progress(
        `R12 ${context.database}: ${socketsPerFace * 2} sockets replay ${log.length} events`,
      );
      const outcomes = await runReplayStorm({
        url: server.url,
        conversationId,
        socketIoCount: socketsPerFace,
        webSocketCount: socketsPerFace,
        lastEventId,
        dropMidReplay: Math.round(socketsPerFace / 10),
        timeoutMs: full ? 300_000 : 120_000,
      });
      const peakBytes = server.peakRssBytes;
      await sleep(2_000);
      const afterBytes = server.rssBytes();
      const count = (result: string) =>
        outcomes.filter((outcome) => outcome.result === result).length;
      const silent = outcomes.filter(
        (outcome) => !['whole', 'refused', 'dropped'].includes(outcome.result),
      );
      const alive = server.alive;
      await server.stop('SIGTERM');
      return buildResult(environment, context, {
        id: this.id,
        title: this.title,
        stored: await environment.readLogs(),
        faults: outcomes.length,
        extraOperations: outcomes.length,
        bounds: [
          { name: 'the process lives', pass: alive, detail: alive ? 'alive' : 'gone' },
          {
            name: 'every socket whole or refused',
            pass: silent.length === 0,
            detail: `${count('whole')} whole, ${count('refused')} refused, ${count('dropped')} dropped by the client, ${silent.length} cut or timed out${silent[0] === undefined ? '' : ` (first: ${silent[0].face} ${silent[0].result} ${silent[0].detail ?? ''})`}`,
          },
          atMost(
            'peak RSS over baseline (MB)',
            megabytes(peakBytes - baselineBytes),
            megabytes(budgetBytes + allowanceBytes),
          ),
        ],
        notes: [
          `${socketsPerFace} sockets per face, budget ${megabytes(budgetBytes)} MB, allowance ${megabytes(allowanceBytes)} MB; baseline ${megabytes(baselineBytes)} MB, peak ${megabytes(peakBytes)} MB, ${megabytes(afterBytes)} MB 2 s after the drop (no forced GC)`,
        ],
      });
    } finally {
      await environment.cleanup();
    }
  },
};
