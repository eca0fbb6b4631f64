#!/usr/bin/env node
// @ts-check
// Tool runtime benchmark: workload B10 of /work/shared/spec/benchmarks.md, Parley's bubblewrap
// sandbox (packages/server/dist) against the same command spawned unsandboxed with
// `child_process.spawn('/bin/sh', ['-c', command])`, side by side.
//
//   npm run bench:runtime             (builds, then runs in full mode)
//   node bench/runtime-bench.mjs [--quick] [--rounds N] [--startup-samples N]
//     [--first-byte-samples N] [--json path] [--cpu-prof dir]
//
// (a) Sandbox start-up per command (bench/lib/runtime-startup.mjs): in this process,
//     `BubblewrapSandbox.run(workspace, 'true')` and `… 'echo x'` against the spawned peer, sample
//     by sample, the order alternating: wall time to the end of the run, and to the first output
//     byte. The overhead is Parley's median − the peer's, per round (target ≤ 20 ms).
// (b) Tool call to the first output byte at a client (bench/lib/runtime-first-byte.mjs): a Parley
//     server process (bench/lib/runtime-server-child.mjs, its defaults: bubblewrap, the demo model)
//     with a Socket.IO and a V1 WebSocket client on one conversation; the user's `run` action
//     (`echo x`) over REST, timed until each client receives the first frame carrying `x`; the
//     peer spawns the same command here and times its first stdout byte.
// One discarded warm-up round, then N counted rounds (default 5, --quick 3), each running (a) then
// (b), or (b) then (a) on odd rounds. Figures are per round (median and p99 of its samples), then
// the median over the counted rounds. Not pinned: each command runs on whichever core its spawner
// (this process, or the server) gets, and pinning the server would pin its sandboxes too.
//
// --cpu-prof dir: the server records a V8 CPU profile of each counted round's first-byte samples to
// dir/runtime-server-round<N>.cpuprofile (summarise with `node bench/lib/rest-profile-summary.mjs`);
// profiling slows the server, so do not compare those figures with unprofiled runs.
//
// Writes bench/results/runtime-<timestamp>.json (or --json path) plus a .md table and an .svg chart.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/cli-options.mjs';
import { printOutcome, runProgram, writeResultFiles } from './lib/bench-program.mjs';
import { resultHeader } from './lib/harness-report.mjs';
import { startChild } from './lib/realtime-rpc.mjs';
import { measureFirstByte } from './lib/runtime-first-byte.mjs';
import { summariseRuntime } from './lib/runtime-report.mjs';
import { measureStartup, openBenchSandbox, startupCommands } from './lib/runtime-startup.mjs';
import { formatNumber, markdownTable, svgChart } from './lib/store-report.mjs';
import { machineInfo } from './lib/store-machine.mjs';

const serverEntry = fileURLToPath(new URL('./lib/runtime-server-child.mjs', import.meta.url));

/** @param {string[]} argv */
function parseArguments(argv) {
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'integer' },
      'startup-samples': { type: 'integer' },
      'first-byte-samples': { type: 'integer' },
      json: { type: 'path' },
      'cpu-prof': { type: 'path' },
    },
    { unknown: (argument) => `Unknown argument ${argument}` },
  );
  options.rounds ??= options.quick ? 3 : 5;
  options.startupSamples ??= options.quick ? 40 : 100;
  options.firstByteSamples ??= options.quick ? 15 : 40;
  return options;
}

/** @param {any} round */
function describeRound(round) {
  const startup = startupCommands
    .map(({ key, command }) => {
      const figures = round.startup[key];
      return `${command} ${formatNumber(figures.parley.total.p50Ms, 1)} vs ${formatNumber(figures.spawn.total.p50Ms, 1)} ms`;
    })
    .join(', ');
  const firstByte = round.firstByte;
  return (
    `start-up p50 ${startup}; first byte p50 Socket.IO ${formatNumber(firstByte.socketIo.p50Ms, 1)}, ` +
    `V1 ${formatNumber(firstByte.v1.p50Ms, 1)} vs spawn ${formatNumber(firstByte.spawn.p50Ms, 1)} ms`
  );
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const startedAt = new Date();
  const machine = machineInfo();
  console.log(
    `B10 tool runtime: ${options.rounds} counted rounds after 1 warm-up; ${options.startupSamples} ` +
      `start-up samples per command and side, ${options.firstByteSamples} first-byte samples per side; ` +
      `load average ${os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
  );
  if (options.cpuProf !== undefined) mkdirSync(options.cpuProf, { recursive: true });
  const bench = await openBenchSandbox();
  const server = startChild(serverEntry);
  const rounds = [];
  try {
    const { port, conversationId } = await server.call('start', {});
    for (let round = 0; round <= options.rounds; round++) {
      const record = { round, warmUp: round === 0, loadAverage: os.loadavg() };
      const startup = () => measureStartup(bench, { samples: options.startupSamples });
      const profiling = options.cpuProf !== undefined && round > 0;
      const firstByte = async () => {
        if (profiling) await server.call('profileStart');
        const figures = await measureFirstByte(
          { port, conversationId, server },
          { samples: options.firstByteSamples },
        );
        if (profiling) {
          const path = join(options.cpuProf, `runtime-server-round${round}.cpuprofile`);
          await server.call('profileStop', { path });
        }
        return figures;
      };
      /** @type {any} */
      const figures = {};
      if (round % 2 === 0) {
        figures.startup = await startup();
        figures.firstByte = await firstByte();
      } else {
        figures.firstByte = await firstByte();
        figures.startup = await startup();
      }
      const completed = { ...record, ...figures };
      const label = round === 0 ? 'warm-up (discarded)' : `round ${round}/${options.rounds}`;
      console.log(`${label}: ${describeRound(completed)}`);
      rounds.push(completed);
    }
  } finally {
    await server.stop();
    await bench.close();
  }

  const counted = rounds.filter((round) => !round.warmUp);
  const rows = summariseRuntime(counted);
  const table = markdownTable(rows);
  const result = {
    ...resultHeader('Tool runtime (B10)', { startedAt, machine }),
    pinned: null,
    settings: {
      mode: options.quick ? 'quick' : 'full',
      countedRounds: options.rounds,
      warmUpRounds: 1,
      startupSamples: options.startupSamples,
      firstByteSamples: options.firstByteSamples,
      startupCommands,
      firstByteCommand: 'echo x',
      parley:
        '(a) BubblewrapSandbox.run from packages/server/dist, default limits, as root → uid 65534 on the host; ' +
        '(b) createApp with its defaults (bubblewrap, demo model, SQLite), a Socket.IO (stream=true) and a V1 WebSocket client, the run action over REST',
      peer: "child_process.spawn('/bin/sh', ['-c', command]) in the bench process, unsandboxed",
    },
    rounds,
    summary: rows,
  };
  const heading =
    `Tool runtime benchmark (B10), ${startedAt.toISOString().slice(0, 10)}: ${machine.cpuModel}, ` +
    `${machine.cores} cores, Node ${machine.node}; medians of ${options.rounds} rounds after 1 warm-up`;
  const { jsonPath } = writeResultFiles({
    result,
    name: 'runtime',
    startedAt,
    json: options.json,
    heading,
    table,
    chart: svgChart(rows, heading),
  });
  printOutcome(rows, { jsonPath, allMet: 'All targets met.', describe: (row) => row.id });
}

runProgram(main);
