// @ts-check
// The workload of the replay benchmark (bench/replay-bench.mjs, which describes the method): one
// participant's share of a round in three fresh processes, the server (lib/replay-server-child.mjs),
// the watchers and the replayer (lib/replay-clients.mjs): seed, watch, warm up, then the timed
// replays from the start and from the middle, each with the server's loop delay and the watchers'
// delivery delay meanwhile.
import { fileURLToPath } from 'node:url';
import { benchSessionApiKey } from './realtime-payload.mjs';
import { variants } from './replay-report.mjs';
import { withChildren } from './realtime-rpc.mjs';
import { median } from './store-stats.mjs';

const serverEntry = fileURLToPath(new URL('./replay-server-child.mjs', import.meta.url));
const clientsEntry = fileURLToPath(new URL('./replay-clients.mjs', import.meta.url));

/**
 * @typedef {{
 *   quick: boolean,
 *   rounds: number,
 *   events: number,
 *   middle: number,
 *   repetitions: number,
 *   warmups: number,
 *   watchers: number,
 *   rate: number,
 *   textChars: number,
 *   participants: string[],
 *   peersOnly: boolean,
 *   json: string | undefined,
 *   pin: boolean,
 * }} ReplayOptions
 */

const pause = (/** @type {number} */ ms) =>
  new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/**
 * One participant's share of a round: seed, watch, warm up, then the timed replays.
 * @param {string} participant
 * @param {ReplayOptions} options
 * @param {import('./bench-program.mjs').Cores} cores
 */
export function runParticipant(participant, options, cores) {
  const specs = {
    server: { entry: serverEntry, core: cores.server },
    watchers: { entry: clientsEntry, core: cores.clients },
    replayer: { entry: clientsEntry, core: cores.clients },
  };
  return withChildren(specs, async ({ server, watchers, replayer }) => {
    const started = await server.call(
      'start',
      { participant, events: options.events, textChars: options.textChars },
      300_000,
    );
    if (!started.available) return { unavailable: started.reason };
    // Both peers speak the same protocol to their clients.
    const kind = participant.startsWith('raw-replay') ? 'raw-replay' : participant;
    const common = { kind, port: started.port, apiKey: benchSessionApiKey };
    await watchers.call('watch', {
      ...common,
      conversationId: started.live.id,
      latestId: started.live.latestId,
      count: options.watchers,
    });
    await server.call('trickle', {
      conversationId: started.live.id,
      rate: options.rate,
      textChars: options.textChars,
    });
    await pause(300);

    const replayArguments = {
      fromStart: { cursor: -1, firstSeq: 0 },
      fromMiddle: { cursor: started.replay.baseId + options.middle, firstSeq: options.middle },
    };
    const replayOnce = (/** @type {'fromStart' | 'fromMiddle'} */ variant) =>
      replayer.call('replay', {
        ...common,
        conversationId: started.replay.id,
        lastSeq: options.events - 1,
        ...replayArguments[variant],
      });

    // Quiet window: the trickle alone.
    await server.call('measureStart');
    await watchers.call('record');
    await pause(300);
    const quietServer = await server.call('measureStop');
    const quietDelivery = await watchers.call('stopRecord');

    for (let pass = 0; pass < options.warmups; pass++) await replayOnce('fromStart');

    /** @type {{ fromStart: any[], fromMiddle: any[] }} */
    const samples = { fromStart: [], fromMiddle: [] };
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      for (const variant of variants) {
        await server.call('measureStart');
        await watchers.call('record');
        const replayed = await replayOnce(variant);
        const measured = await server.call('measureStop');
        const delivery = await watchers.call('stopRecord');
        samples[variant].push({
          ms: replayed.ms,
          events: replayed.events,
          lagP99Ms: measured.lagP99Ms,
          lagMaxMs: measured.lagMaxMs,
          lagSamples: measured.lagSamples,
          deliveryP99Ms: delivery.p99Ms,
          deliveryMaxMs: delivery.maxMs,
          deliverySamples: delivery.samples,
          serverCpuMicrosPerEvent: measured.cpuMicros / replayed.events,
          clientCpuMicros: replayed.cpuMicros,
        });
        // Let the replayer's socket close and the server settle before the next measured window.
        await pause(100);
      }
    }
    const trickled = await server.call('stopTrickle');
    /** @type {Record<string, any>} */
    const result = {
      events: options.events,
      quiet: {
        lagP99Ms: quietServer.lagP99Ms,
        lagMaxMs: quietServer.lagMaxMs,
        deliveryP99Ms: quietDelivery.p99Ms,
        deliverySamples: quietDelivery.samples,
      },
      trickle: trickled,
    };
    for (const variant of variants) {
      const list = samples[variant];
      const middleOf = (/** @type {string} */ key) => median(list.map((sample) => sample[key]));
      const sum = (/** @type {string} */ key) =>
        list.reduce((total, sample) => total + sample[key], 0);
      // The replaying client's CPU over all the timed replays of this variant, ÷ their wall time.
      const clientCpuUtilisation = sum('clientCpuMicros') / 1000 / sum('ms');
      result[variant] = {
        events: list[0].events,
        ms: middleOf('ms'),
        lagP99Ms: middleOf('lagP99Ms'),
        lagMaxMs: Math.max(...list.map((sample) => sample.lagMaxMs)),
        deliveryP99Ms: middleOf('deliveryP99Ms'),
        deliveryMaxMs: Math.max(...list.map((sample) => sample.deliveryMaxMs)),
        serverCpuMicrosPerEvent: middleOf('serverCpuMicrosPerEvent'),
        clientCpuUtilisation,
        clientBusy: clientCpuUtilisation > 0.9,
        samples: list,
      };
    }
    return result;
  });
}
