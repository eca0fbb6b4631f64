#!/usr/bin/env node
// @ts-check
// Replay benchmark: workload B3, socket half, of /work/shared/spec/benchmarks.md ("reconnect to a
// 10,000-event conversation from id -1 and from the middle: time to last event; event-loop lag of
// other clients during replay"). The storage half is in bench/store-bench.mjs. Parley's two faces
// against bench/peers/raw-sqlite-ws-replay.mjs (better-sqlite3 with Parley's pragmas, SELECT in pages,
// the stored payload strings sent back to back with `ws`), the spec's peer. A second run of the same
// peer with `corkPages` (each page's frames leave in one writev, as Parley's replay batches them) is
// compared for information in extra rows (ids ending `.vs-raw-replay-corked`).
//
//   npm run build && node bench/replay-bench.mjs [--quick] [--rounds N] [--events N] [--middle N]
//     [--repetitions N] [--warmups N] [--watchers N] [--rate N] [--text-chars N]
//     [--participants raw-replay,raw-replay-corked,parley-v1,parley-socketio] [--peers-only]
//     [--json path] [--no-pin]
//
// Method. Every participant runs as three fresh processes per round: the server
// (bench/lib/replay-server-child.mjs: the peer or Parley's whole app from packages/server/dist,
// SQLite WAL + synchronous=FULL, a session API key), a watchers process and a replayer process
// (bench/lib/replay-clients.mjs). With two cores and taskset the server is pinned to the last core and
// both client processes to core 0. The server seeds one conversation with --events (10,000; --quick
// 2,000) agent messages of about 1 KB, 100 per append. --watchers (50) live connections on a second
// conversation get a trickle of --rate (200) events/s from the server for the whole run. The replayer
// then connects --warmups (2) times untimed, and --repetitions (3) times per variant, timed:
//  - from the start: Parley V1 `resend_all=true`, Socket.IO `latest_event_id=-1`, the peer `after_id=-1`;
//  - from the middle: the cursor just before seeded event --middle (default events/2), so every
//    participant sends the same 5,000 seeded events (V1 and the peer `after_id`, Socket.IO
//    `latest_event_id`; with ids from 0 that cursor is 4,999).
// Time to last event runs from the start of the handshake to the arrival of the last seeded event;
// the replayer checks that every seeded event after the cursor arrived once and in order. During each
// timed replay the server samples its own event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms
// timer, the timer period subtracted) and the watchers time each live event from the producer's clock
// reading to its arrival. One quiet window of 300 ms per round (trickle, no replay) shows the
// baseline. A round's figure is the median of its repetitions; reported figures are medians over the
// counted rounds (one discarded warm-up round first); ratios are taken per round, then the median.
// Order inside a round: peer, corked peer, Parley V1, Parley Socket.IO. The replaying client reports
// its process CPU (process.cpuUsage) over each timed replay; each variant's `clientCpuUtilisation` is
// that CPU over all its timed replays ÷ their wall time, and a variant above 0.9 is listed under
// `clientBusy` (bench/harness.mjs flags those rows): the client, not the server, may be the limit.
//
// Writes bench/results/replay-<timestamp>.json (or --json path), plus a .md table and an .svg chart.
import {
  placeProcesses,
  printOutcome,
  runProgram,
  runRounds,
  selectParticipants,
  writeResultFiles,
} from './lib/bench-program.mjs';
import { choiceList, parseOptions } from './lib/cli-options.mjs';
import { resultHeader } from './lib/harness-report.mjs';
import { defaultTextChars } from './lib/realtime-payload.mjs';
import {
  describe,
  markdownTable,
  metricDefinitions,
  parleyFaces,
  participantNames as names,
  summarise,
  variants,
} from './lib/replay-report.mjs';
import { runParticipant } from './lib/replay-workload.mjs';
import { svgChart } from './lib/store-report.mjs';

const allParticipants = ['raw-replay', 'raw-replay-corked', 'parley-v1', 'parley-socketio'];

/** @typedef {import('./lib/replay-workload.mjs').ReplayOptions} ReplayOptions */

/**
 * @param {string[]} argv
 * @returns {ReplayOptions}
 */
function parseArguments(argv) {
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'integer', default: 3 },
      events: { type: 'integer' },
      middle: { type: 'integer' },
      repetitions: { type: 'integer', default: 3 },
      warmups: {
        type: 'string',
        default: 2,
        parse: (text) => {
          const warmups = Number(text);
          if (!Number.isInteger(warmups) || warmups < 0)
            throw new Error('--warmups needs an integer ≥ 0');
          return warmups;
        },
      },
      watchers: { type: 'integer', default: 50 },
      rate: { type: 'integer', default: 200 },
      'text-chars': { type: 'integer', default: defaultTextChars },
      participants: {
        type: 'string',
        default: allParticipants,
        parse: choiceList(allParticipants, { canonicalOrder: true }),
      },
      'peers-only': { type: 'boolean', default: false },
      json: { type: 'path' },
      'no-pin': { type: 'boolean', key: 'pin', default: true, set: false },
    },
    {
      usage:
        'node bench/replay-bench.mjs [--quick] [--rounds N] [--events N] [--middle N] [--repetitions N]\n' +
        '  [--warmups N] [--watchers N] [--rate N] [--text-chars N]\n' +
        '  [--participants raw-replay,raw-replay-corked,parley-v1,parley-socketio] [--peers-only]\n' +
        '  [--json path] [--no-pin]',
    },
  );
  options.events ??= options.quick ? 2_000 : 10_000;
  options.middle ??= Math.floor(options.events / 2);
  if (options.middle >= options.events) throw new Error('--middle must be below --events');
  if (options.quick) options.repetitions = Math.min(options.repetitions, 2);
  return /** @type {ReplayOptions} */ (options);
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const { machine, pinned, cores, placement } = placeProcesses(options.pin);
  const participants = selectParticipants(options.participants, options.peersOnly);
  const startedAt = new Date();
  console.log(
    `replay bench (B3 socket half): ${options.quick ? 'quick' : 'full'} mode, 1 warm-up + ${options.rounds} counted rounds; ` +
      `${machine.cpuModel} x${machine.cores}, Node ${machine.node}; ${placement}; ` +
      `${options.events} events, middle ${options.middle}, ${options.watchers} watchers at ${options.rate} events/s`,
  );

  const { rounds, counted, unavailable } = await runRounds({
    rounds: options.rounds,
    participants,
    newRecord: () => ({ b3: {} }),
    markUnavailable: (record, participant, reason) => {
      record.b3[participant] = { unavailable: reason };
    },
    measure: async (participant, record, label) => {
      const result = await runParticipant(participant, options, cores);
      record.b3[participant] = result;
      console.log(`  B3 ${label} ${names[participant]}: ${describe(result)}`);
      return result.unavailable;
    },
  });

  const peersOnly = !participants.some((participant) => participant.startsWith('parley-'));
  const subjects = peersOnly
    ? participants
    : parleyFaces.filter((face) => participants.includes(face));
  const rows = summarise(metricDefinitions(options, subjects), counted);
  const clientBusy = counted.flatMap((round) =>
    Object.entries(round.b3).flatMap(([participant, result]) =>
      variants
        .filter((variant) => result[variant]?.clientBusy === true)
        .map((variant) => `${names[participant]} ${variant} (round ${round.round})`),
    ),
  );
  const result = {
    ...resultHeader('replay (B3 socket half: reconnect and replay, other clients’ lag meanwhile)', {
      startedAt,
      machine,
    }),
    pinning: pinned ? cores : null,
    settings: {
      mode: options.quick ? 'quick' : 'full',
      countedRounds: options.rounds,
      warmUpRounds: 1,
      participants,
      peersOnly: options.peersOnly,
      events: options.events,
      middle: options.middle,
      repetitions: options.repetitions,
      warmupReplays: options.warmups,
      watchers: options.watchers,
      trickleEventsPerSecond: options.rate,
      textChars: options.textChars,
      lagMonitor: 'perf_hooks.monitorEventLoopDelay, resolution 1 ms, period subtracted',
      parley:
        'createApp from dist, SQLite WAL + synchronous=FULL, group commit defaults, session API key set',
    },
    unavailable,
    clientBusy,
    rounds,
    summary: rows,
  };
  const heading =
    `Replay benchmark (B3 socket half), ${startedAt.toISOString().slice(0, 10)}: ${machine.cpuModel}, ` +
    `${machine.cores} cores, Node ${machine.node}; medians of ${options.rounds} rounds after 1 warm-up; ` +
    `${options.events} events, ${options.watchers} watchers at ${options.rate} events/s`;
  const { jsonPath } = writeResultFiles({
    result,
    name: 'replay',
    startedAt,
    json: options.json,
    heading,
    table: markdownTable(rows, peersOnly),
    notes: [
      ...Object.entries(unavailable).map(
        ([participant, reason]) => `- ${names[participant]}: not available (${reason}).`,
      ),
      ...(clientBusy.length > 0
        ? [
            `- Replaying client process above 90% CPU (the client may be the limit): ${clientBusy.join(', ')}.`,
          ]
        : []),
    ],
    chart: svgChart(
      rows.filter((row) => row.status === 'pass' || row.status === 'miss'),
      heading,
    ),
  });
  printOutcome(rows, {
    jsonPath,
    allMet: 'No target missed among those measured.',
    describe: (row) => `${row.id} (${row.target})`,
  });
}

runProgram(main);
