#!/usr/bin/env node
// @ts-check
// Realtime benchmark: workloads B1 (fan-out), B4 (idle connections) and B6 (command latency under
// load) of /work/shared/spec/benchmarks.md, Parley's two realtime faces side by side with their peers:
// bench/peers/raw-ws-broadcast.mjs (the near-limit, compared with the V1 WebSocket face) and
// bench/peers/plain-socketio-room.mjs (compared with the Socket.IO face).
//
//   npm run build && node bench/realtime-bench.mjs [--quick] [--rounds N] [--clients N] [--events N]
//     [--window N] [--burst N] [--participants a,b] [--idle N] [--conversations N] [--commands N]
//     [--command-interval ms] [--text-chars N] [--only b1,b4,b6] [--peers-only] [--b6-profile dir]
//     [--b6-rate N] [--json path] [--no-pin]
//
// Method. Every participant runs as two fresh processes, a server (bench/lib/realtime-server-child.mjs:
// the peer or Parley from packages/server/dist, plus the producer, which lives in the server as an
// agent loop does) and a client process (bench/lib/realtime-clients.mjs: N `ws` or `socket.io-client`
// connections). With two cores and taskset, the server is pinned to the last core and the clients to
// core 0. One discarded warm-up round, then N counted rounds (default 3); inside a round the order is
// raw ws, Parley V1, plain Socket.IO, Parley Socket.IO, so each face runs right after its peer.
// Figures are medians over the counted rounds; ratios are taken per round, then the median.
//
// B1: N subscribers (default 1,000; --quick 200) on one conversation; after an untimed warm-up of a
// tenth of the events, the producer sends E events (default 2,000; --quick 500) as fast as the
// slowest subscriber takes them, never more than --window (250) events ahead of it, so no buffer grows
// without bound (Parley's 8 MiB slow-consumer cut is never reached); it hands the server --burst (10)
// events back to back before letting the event loop turn, so Parley's group commit can batch them.
// Deliveries/s = N × E ÷ (last delivery − first append); server CPU µs/delivery = the server process's process.cpuUsage() over that
// span ÷ (N × E); append→receive latency = receive time − the producer's time, embedded in each
// event (both processes read the same machine clock). Client CPU above 90% of a core is flagged: the
// clients, not the server, may then be the limit.
// B6: with B1's subscribers still connected, the producer runs at half the events/s that participant
// reached in B1 of the same round (or --b6-rate events/s), and one more connection, joined at the
// log's current end (an up-to-date client, not one replaying the B1 backlog), sends one untimed
// warm-up command (on Parley it starts the conversation's agent loop, a once-per-conversation cost)
// and then --commands (100; --quick 30) user messages, one every --command-interval (60 ms, under
// Parley's default 20 messages/s per socket), each timed until the event it causes comes back to it.
// On Parley the server also times each command's stages (lib/realtime-command-trace.mjs: to server,
// dispatch, group-commit wait, write+fsync, to hub, hub backlog, fan-out, to client) and reports its
// CPU use; --b6-profile dir writes a V8 CPU profile of the server over exactly the timed commands
// (summarise it with bench/lib/rest-profile-summary.mjs).
// B4: fresh processes; --idle (5,000; --quick 1,000) connections over --conversations (50) are opened,
// 100 handshakes at a time, and the server's RSS and heap (after full GCs) are compared with before.
// Parley runs with a cap of running conversations of at least --conversations (a Socket.IO connect
// starts the agent loop; with the default cap of 3 per user the conversations would evict each other
// and disconnect their sockets), and a run in which the server closed any socket before the sample
// fails instead of dividing the memory by connections that no longer exist.
//
// Parley's faces are measured only when the build has them: a participant whose face answers 404 is
// reported "not available yet" and the peers still run. --peers-only skips Parley altogether.
//
// Writes bench/results/realtime-<timestamp>.json (or --json path) with the machine, every round's raw
// figures and the medians/ratios, plus a .md table and an .svg chart next to it.
import { mkdirSync } from 'node:fs';
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
  chart,
  describeB1,
  describeB4,
  describeB6,
  markdownTable,
  participantName,
  summarise,
} from './lib/realtime-report.mjs';
import { fanOut, idleConnections } from './lib/realtime-workloads.mjs';

const allParticipants = ['raw-ws', 'parley-v1', 'plain-socketio', 'parley-socketio'];
const workloads = ['b1', 'b4', 'b6'];

/** @typedef {import('./lib/realtime-workloads.mjs').RealtimeOptions} RealtimeOptions */

/**
 * @param {string[]} argv
 * @returns {RealtimeOptions}
 */
function parseArguments(argv) {
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'integer', default: 3 },
      clients: { type: 'integer' },
      events: { type: 'integer' },
      window: { type: 'integer', default: 250 },
      burst: { type: 'integer', default: 10 },
      participants: {
        type: 'string',
        default: allParticipants,
        parse: choiceList(allParticipants, { canonicalOrder: true }),
      },
      idle: { type: 'integer' },
      conversations: { type: 'integer', default: 50 },
      commands: { type: 'integer' },
      'command-interval': { type: 'integer', key: 'commandIntervalMs', default: 60 },
      'text-chars': { type: 'integer', default: defaultTextChars },
      only: {
        type: 'string',
        default: workloads,
        parse: choiceList(workloads, { lowercase: true }),
      },
      'peers-only': { type: 'boolean', default: false },
      'b6-profile': { type: 'path', key: 'b6Profile' },
      'b6-rate': { type: 'integer', key: 'b6Rate' },
      json: { type: 'path' },
      'no-pin': { type: 'boolean', key: 'pin', default: true, set: false },
    },
    {
      usage:
        'node bench/realtime-bench.mjs [--quick] [--rounds N] [--clients N] [--events N] [--window N]\n' +
        '  [--burst N] [--participants raw-ws,parley-v1,plain-socketio,parley-socketio] [--idle N] [--conversations N] [--commands N] [--command-interval ms] [--text-chars N]\n' +
        '  [--only b1,b4,b6] [--peers-only] [--b6-profile dir] [--b6-rate N] [--json path] [--no-pin]',
    },
  );
  options.clients ??= options.quick ? 200 : 1_000;
  options.events ??= options.quick ? 500 : 2_000;
  options.idle ??= options.quick ? 1_000 : 5_000;
  options.commands ??= options.quick ? 30 : 100;
  options.conversations = Math.min(options.conversations, options.idle);
  return /** @type {RealtimeOptions} */ (options);
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const { machine, pinned, cores, placement } = placeProcesses(options.pin);
  const participants = selectParticipants(options.participants, options.peersOnly);
  const runFanOut = options.only.includes('b1') || options.only.includes('b6');
  if (options.b6Profile !== undefined) mkdirSync(options.b6Profile, { recursive: true });
  const startedAt = new Date();
  console.log(
    `realtime bench: ${options.quick ? 'quick' : 'full'} mode, 1 warm-up + ${options.rounds} counted rounds; ` +
      `${machine.cpuModel} x${machine.cores}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}; ` +
      `${placement}; B1/B6 ${options.clients} sockets × ${options.events} events, B4 ${options.idle} connections`,
  );

  /** @type {(record: import('./lib/bench-program.mjs').RoundRecord, participant: string, reason: string) => void} */
  const markUnavailable = (record, participant, reason) => {
    for (const workload of options.only) {
      record[workload] ??= {};
      record[workload][participant] = { unavailable: reason };
    }
  };
  const { rounds, counted, unavailable } = await runRounds({
    rounds: options.rounds,
    participants,
    markUnavailable,
    measure: async (participant, record, label) => {
      const name = participantName(participant);
      if (runFanOut) {
        const result = await fanOut(participant, options, cores);
        if (result.unavailable !== undefined) {
          console.log(`  ${label} ${name}: not available yet (${result.unavailable})`);
          markUnavailable(record, participant, result.unavailable);
          return result.unavailable;
        }
        if (options.only.includes('b1')) {
          (record.b1 ??= {})[participant] = result.b1;
          console.log(`  B1 ${label} ${name}: ${describeB1(result.b1)}`);
        }
        if (result.b6 !== undefined) {
          (record.b6 ??= {})[participant] = result.b6;
          console.log(`  B6 ${label} ${name}: ${describeB6(result.b6)}`);
        }
      }
      if (!options.only.includes('b4')) return undefined;
      const result = await idleConnections(participant, options, cores);
      (record.b4 ??= {})[participant] = result;
      console.log(`  B4 ${label} ${name}: ${describeB4(result)}`);
      return result.unavailable;
    },
  });

  const skipped = allParticipants.filter((participant) => !participants.includes(participant));
  const rows = summarise(counted, unavailable, skipped);
  const busy = counted.flatMap((round) =>
    Object.entries(round.b1 ?? {})
      .filter(([, result]) => result.clientBusy === true)
      .map(([participant]) => `${participantName(participant)} (round ${round.round})`),
  );
  const finishedAt = new Date();
  const result = {
    ...resultHeader('realtime (B1 fan-out, B4 idle connections, B6 command latency under load)', {
      startedAt,
      finishedAt,
      machine,
    }),
    pinning: pinned ? cores : null,
    settings: {
      mode: options.quick ? 'quick' : 'full',
      countedRounds: options.rounds,
      warmUpRounds: 1,
      workloads: options.only,
      participants,
      peersOnly: options.peersOnly,
      b1: {
        subscribers: options.clients,
        events: options.events,
        windowEvents: options.window,
        burstEvents: options.burst,
        textChars: options.textChars,
      },
      b4: { connections: options.idle, conversations: options.conversations },
      b6: {
        commands: options.commands,
        commandIntervalMs: options.commandIntervalMs,
        load: 'half of the participant’s own B1 events/s, same subscribers',
      },
      parley:
        'createApp from dist, SQLite WAL + synchronous=FULL, group commit defaults, session API key set',
    },
    unavailable,
    clientBusy: busy,
    rounds,
    summary: rows,
  };

  const heading =
    `Realtime benchmark, ${startedAt.toISOString().slice(0, 10)}: ${machine.cpuModel}, ${machine.cores} cores, ` +
    `${machine.totalMemoryGiB} GiB, Node ${machine.node}; medians of ${options.rounds} rounds after 1 warm-up; ` +
    `B1/B6 ${options.clients} sockets, B4 ${options.idle} connections`;
  const { jsonPath } = writeResultFiles({
    result,
    name: 'realtime',
    startedAt,
    json: options.json,
    heading,
    table: markdownTable(rows),
    notes: [
      ...Object.entries(unavailable).map(
        ([participant, reason]) =>
          `- ${participantName(participant)}: not available yet (${reason}).`,
      ),
      ...(busy.length > 0
        ? [`- Client process above 90% CPU (the clients may be the limit): ${busy.join(', ')}.`]
        : []),
    ],
    chart: chart(rows, heading),
  });
  printOutcome(rows, {
    jsonPath,
    allMet: 'No target missed among those measured.',
    describe: (row) => `${row.id} (${row.ratio?.toFixed(2)}x vs ${row.target})`,
  });
}

runProgram(main);
