#!/usr/bin/env node
// @ts-check
// Cluster benchmark: workload B8 of /work/shared/spec/benchmarks.md (issue 13, "Benchmark"): 1, 2
// and 3 Parley processes on PostgreSQL + Redis behind HAProxy, against one process on PostgreSQL
// without Redis at the same client count, in the same run.
//
//   npm run build && node bench/cluster-bench.mjs [--quick] [--rounds N] [--clients N] [--events N]
//     [--window N] [--burst N] [--rate N] [--paced-seconds N] [--commands N] [--command-interval ms]
//     [--participants single,redis-1,redis-2,redis-3] [--json path] [--no-pin]
//
// Needs HAProxy (/usr/sbin/haproxy, or PARLEY_BENCH_HAPROXY), PostgreSQL (PARLEY_BENCH_POSTGRES_URL,
// default postgres://postgres@127.0.0.1:5432/postgres; a fresh database per measurement, dropped
// after) and Redis (PARLEY_BENCH_REDIS_URL, default redis://127.0.0.1:6379).
//
// Method. Each participant, in every round, gets a fresh database, its Parley processes
// (lib/cluster-server-child.mjs: createApp from dist with DATABASE_URL, REDIS_URL for the redis-*
// participants, a shared PARLEY_SECRETS_KEY and PARLEY_WORKSPACE_DIR, its own PARLEY_INSTANCE_ID
// and data directory), HAProxy in front of them (lib/cluster-services.mjs: balance roundrobin,
// health checks on /alive, cookie stickiness) and one client process (lib/realtime-clients.mjs)
// whose --clients Socket.IO subscribers (websocket transport) connect through HAProxy, so they are
// spread evenly over the processes. The single process runs behind HAProxy too: the comparison
// isolates the cross-process hop (Redis pub/sub, and the other processes' own fan-out), not the
// proxy. The first process creates the conversation and runs the producer, which appends agent
// messages into the log as an agent loop would; events reach the other processes' subscribers
// through Redis. With two cores and taskset every Parley process is pinned to the last core and the
// clients to core 0 (HAProxy, PostgreSQL and Redis unpinned), so the processes share one core:
// more processes cannot add throughput here, and the figures are cost, not capacity.
//   Fan-out phase: after a warm-up of a tenth of the events, --events events (default 2,000;
//   --quick 300) as fast as the slowest subscriber takes them, at most --window (250) ahead:
//   deliveries/s = subscribers × events ÷ (last delivery − first append), server CPU µs/delivery =
//   the CPU of all Parley processes over the phase ÷ deliveries.
//   Paced phase: --rate (100) events/s, the same for every participant, for --paced-seconds (10;
//   --quick 3) while one more client (through HAProxy too) sends --commands (100; --quick 20) user
//   messages, one every --command-interval (60 ms), each timed until its own event comes back:
//   append→client p50/p99 over every delivery, CPU µs/delivery at equal load, command p99.
// One discarded warm-up round, then --rounds (3) counted ones, participants in the order single,
// redis-1, redis-2, redis-3; medians, and ratios against the single process per round, then the
// median. Targets (issue 13): CPU per delivery ≤ 1.3x the single process (paced, equal load) and
// append→client p99 ≤ 2x, judged for 2 and 3 processes.
//
// Writes bench/results/cluster-<timestamp>.json (or --json path) with a .md table and .svg chart.
import {
  placeProcesses,
  printOutcome,
  runProgram,
  runRounds,
  writeResultFiles,
} from './lib/bench-program.mjs';
import { choiceList, parseOptions } from './lib/cli-options.mjs';
import {
  chart,
  describe,
  markdownTable,
  participantName,
  summarise,
} from './lib/cluster-report.mjs';
import { missingService } from './lib/cluster-services.mjs';
import { measureCluster, participantShapes } from './lib/cluster-workload.mjs';
import { resultHeader } from './lib/harness-report.mjs';

const allParticipants = Object.keys(participantShapes);

/** @param {string[]} argv @returns {import('./lib/cluster-workload.mjs').ClusterOptions} */
function parseArguments(argv) {
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'integer', default: 3 },
      clients: { type: 'integer', default: 100 },
      events: { type: 'integer' },
      window: { type: 'integer', default: 250 },
      burst: { type: 'integer', default: 10 },
      rate: { type: 'integer', default: 100 },
      'paced-seconds': { type: 'integer' },
      commands: { type: 'integer' },
      'command-interval': { type: 'integer', key: 'commandIntervalMs', default: 60 },
      participants: {
        type: 'string',
        default: allParticipants,
        parse: choiceList(allParticipants, { canonicalOrder: true }),
      },
      json: { type: 'path' },
      'no-pin': { type: 'boolean', key: 'pin', default: true, set: false },
    },
    {
      usage:
        'node bench/cluster-bench.mjs [--quick] [--rounds N] [--clients N] [--events N] [--window N] [--burst N]\n' +
        '  [--rate N] [--paced-seconds N] [--commands N] [--command-interval ms]\n' +
        '  [--participants single,redis-1,redis-2,redis-3] [--json path] [--no-pin]',
    },
  );
  options.events ??= options.quick ? 300 : 2_000;
  options.pacedSeconds ??= options.quick ? 3 : 10;
  options.commands ??= options.quick ? 20 : 100;
  return /** @type {import('./lib/cluster-workload.mjs').ClusterOptions} */ (options);
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const missing = await missingService();
  if (missing !== undefined) throw new Error(`B8 cannot run: ${missing}`);
  const { machine, pinned, cores, placement } = placeProcesses(options.pin);
  const startedAt = new Date();
  console.log(
    `cluster bench (B8): ${options.quick ? 'quick' : 'full'} mode, 1 warm-up + ${options.rounds} counted rounds; ` +
      `${machine.cpuModel} x${machine.cores}, Node ${machine.node}; ${placement}; ` +
      `${options.clients} Socket.IO subscribers through HAProxy, ${options.events} events, paced ${options.rate} events/s`,
  );
  const { rounds, counted } = await runRounds({
    rounds: options.rounds,
    participants: options.participants,
    markUnavailable: () => undefined,
    measure: async (participant, record, label) => {
      const result = await measureCluster(participant, options, cores);
      (record.b8 ??= {})[participant] = result;
      console.log(`  ${label} ${participantName(participant)}: ${describe(result)}`);
      return undefined;
    },
  });
  const rows = summarise(counted, options.participants);
  const flawed = counted.flatMap((round) =>
    Object.entries(round.b8 ?? {})
      .filter(
        ([, result]) =>
          result.outOfOrder +
            result.pacedOutOfOrder +
            result.appendErrors +
            result.pacedAppendErrors >
          0,
      )
      .map(([participant]) => `${participantName(participant)} (round ${round.round})`),
  );
  const busy = counted.flatMap((round) =>
    Object.entries(round.b8 ?? {})
      .filter(([, result]) => result.clientCpuUtilisation > 0.9)
      .map(([participant]) => `${participantName(participant)} (round ${round.round})`),
  );
  const lostCommands = counted.flatMap((round) =>
    Object.entries(round.b8 ?? {})
      .filter(([, result]) => result.commandsLost > 0)
      .map(
        ([participant, result]) =>
          `${participantName(participant)} (round ${round.round}: ${result.commandsLost})`,
      ),
  );
  const result = {
    ...resultHeader('cluster (B8 scale-out behind HAProxy)', {
      startedAt,
      finishedAt: new Date(),
      machine,
    }),
    pinning: pinned ? cores : null,
    settings: {
      mode: options.quick ? 'quick' : 'full',
      countedRounds: options.rounds,
      warmUpRounds: 1,
      participants: options.participants,
      subscribers: options.clients,
      events: options.events,
      windowEvents: options.window,
      burstEvents: options.burst,
      pacedEventsPerSecond: options.rate,
      pacedSeconds: options.pacedSeconds,
      commands: options.commands,
      commandIntervalMs: options.commandIntervalMs,
      parley:
        'createApp from dist per process, PostgreSQL (fresh database), Redis for redis-*, behind HAProxy (roundrobin), Socket.IO websocket transport',
    },
    flawed,
    lostCommands,
    clientBusy: busy,
    rounds,
    summary: rows,
  };
  const heading =
    `Cluster benchmark (B8), ${startedAt.toISOString().slice(0, 10)}: ${machine.cpuModel}, ${machine.cores} cores, ` +
    `Node ${machine.node}; medians of ${options.rounds} rounds after 1 warm-up; ${options.clients} ` +
    `Socket.IO subscribers through HAProxy; paced phase ${options.rate} events/s`;
  const { jsonPath } = writeResultFiles({
    result,
    name: 'cluster',
    startedAt,
    json: options.json,
    heading,
    table: markdownTable(rows),
    notes: [
      ...(flawed.length > 0
        ? [`- Out-of-order deliveries or append errors: ${flawed.join(', ')}.`]
        : []),
      ...(lostCommands.length > 0
        ? [`- Commands whose event did not come back within 10 s: ${lostCommands.join(', ')}.`]
        : []),
      ...(busy.length > 0
        ? [`- Client process above 90% CPU (the clients may be the limit): ${busy.join(', ')}.`]
        : []),
    ],
    chart: chart(rows, heading),
  });
  if (flawed.length > 0)
    throw new Error(`deliveries out of order or appends refused: ${flawed.join(', ')}`);
  printOutcome(rows, {
    jsonPath,
    allMet: 'No target missed among those measured.',
    describe: (row) => `${row.id} (${row.ratio?.toFixed(2)}x vs ${row.target})`,
  });
}

runProgram(main);
