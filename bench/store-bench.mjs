#!/usr/bin/env node
// @ts-check
// Store benchmark: workloads B2 (durable append) and B3 (replay, storage half) of
// /work/shared/spec/benchmarks.md, Parley's SqlEventStore side by side with its raw peers.
//
//   npm run bench:store                      (builds, then runs in full mode)
//   node bench/store-bench.mjs [--quick] [--rounds N] [--events N] [--json path]
//     [--single N] [--replay-events N] [--producers N] [--text-chars N] [--dir path]
//     [--only b2|b3] [--pin]
//
// Method: one discarded warm-up round, then N counted rounds (default 5, --quick 3). Each round runs
// Parley, then its peer, then the next Parley/peer pair (A B A B), every participant in a fresh child
// process (bench/lib/store-child.mjs) on fresh files in a temporary directory, so that one's heap, GC
// and JIT state never affect another's. Reported figures are medians over the counted rounds; ratios
// are Parley ÷ peer per round (the two ran back to back), then the median. Inside each child, an
// untimed in-process warm-up runs first (B2: a tenth of the events, at least 200, appended to other
// conversations; B3: 3 full reads), because a server is a long-running, JIT-warm process; the
// discarded warm-up round covers the disk and page cache. CPU time is the child's
// process.cpuUsage() delta over the timed section: the producers and the store share that process
// (this is a storage benchmark, no network), so "CPU µs/event" includes the small producer loop, the
// same one on both sides. No CPU pinning by default: pinning the process to one core also pins V8's
// helper threads (concurrent GC marking and sweeping, TurboFan), which then delay the main thread's
// wake-up after each fsync; measured here, that alone tripled Parley's single-producer p99 ack (3.0-3.4
// ms pinned vs 0.8-1.0 ms unpinned, raw SQLite 0.9-1.25 vs 0.7-0.8), because Parley's heap and code are
// larger. There is no separate client process to keep apart. `--pin` pins children to the last core
// (a one-core server) when taskset exists; the orchestrator only waits meanwhile.
//
// Writes bench/results/store-<timestamp>.json (or --json path) with the machine, every round's raw
// figures and the medians/ratios, plus a .md table and an .svg chart next to it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { printOutcome, runProgram, writeResultFiles } from './lib/bench-program.mjs';
import { resultHeader } from './lib/harness-report.mjs';
import { parseOptions } from './lib/cli-options.mjs';
import { defaultTextChars } from './lib/store-events.mjs';
import { fileSystemOf, hasTaskset, machineInfo } from './lib/store-machine.mjs';
import { formatNumber, markdownTable, summarise, svgChart } from './lib/store-report.mjs';
import { runChild } from './lib/store-run-child.mjs';

/** @param {string[]} argv */
function parseArguments(argv) {
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'integer' },
      events: { type: 'integer' },
      single: { type: 'integer' },
      'replay-events': { type: 'integer', default: 10_000 },
      producers: { type: 'integer', default: 20 },
      'text-chars': { type: 'integer', default: defaultTextChars },
      json: { type: 'path' },
      dir: { type: 'path' },
      only: {
        type: 'string',
        parse: (text) => {
          const only = text.toLowerCase();
          if (only !== 'b2' && only !== 'b3') throw new Error('--only takes b2 or b3');
          return only;
        },
      },
      pin: { type: 'boolean', default: false },
    },
    {
      usage:
        'node bench/store-bench.mjs [--quick] [--rounds N] [--events N] [--json path] [--single N]\n' +
        '  [--replay-events N] [--producers N] [--text-chars N] [--dir path] [--only b2|b3] [--pin]',
    },
  );
  options.rounds ??= options.quick ? 3 : 5;
  options.events ??= options.quick ? 4_000 : 20_000;
  options.single ??= options.quick ? 500 : 2_000;
  options.replayRepetitions = options.quick ? 5 : 9;
  options.replayWarmups = 3;
  return options;
}

/**
 * Untimed appends each B2 participant makes first, in its own process (JIT-warm, like a server).
 * @param {number} events
 */
function warmupFor(events) {
  return Math.max(200, Math.ceil(events / 10));
}

const format = {
  rate: (/** @type {number} */ value) => formatNumber(value, 0),
  ms: (/** @type {number} */ value) => formatNumber(value, 2),
  us: (/** @type {number} */ value) => formatNumber(value, 1),
};

/** @param {any} result  a B2 participant's figures */
function describeAppend(result) {
  const busy = result.cpuUtilisation > 0.9 ? ' [CPU-bound: process above 90% CPU]' : '';
  const batch = result.meanBatch === undefined ? '' : `, ${format.us(result.meanBatch)} ev/txn`;
  return (
    `${format.rate(result.eventsPerSecond)} ev/s, ack p50 ${format.ms(result.p50Ms)} ms p99 ${format.ms(result.p99Ms)} ms, ` +
    `${format.us(result.cpuMicrosPerEvent)} CPU µs/ev (${Math.round(result.cpuUtilisation * 100)}% CPU)${batch}${busy}`
  );
}

/** @param {any} result  a B3 participant's figures */
function describeReplay(result) {
  return Object.entries(result)
    .map(
      ([name, figures]) =>
        `${name} ${format.ms(figures.ms)} ms (${format.us(figures.cpuMicrosPerEvent)} µs/ev)`,
    )
    .join(', ');
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const machine = machineInfo();
  const core = options.pin && machine.cores >= 2 && hasTaskset() ? machine.cores - 1 : undefined;
  const childOptions = { core };
  const parentDirectory = options.dir ?? os.tmpdir();
  mkdirSync(parentDirectory, { recursive: true });
  const root = mkdtempSync(join(parentDirectory, 'parley-store-bench-'));
  const fileSystem = fileSystemOf(root);
  const startedAt = new Date();

  console.log(
    `store bench: ${options.quick ? 'quick' : 'full'} mode, 1 warm-up + ${options.rounds} counted rounds; ` +
      `${machine.cpuModel} x${machine.cores}, ${machine.totalMemoryGiB} GiB, Node ${machine.node}; ` +
      `files in ${root} (${fileSystem}); ${core === undefined ? 'not pinned' : `children pinned to core ${core}`}`,
  );
  if (fileSystem === 'tmpfs')
    console.warn('warning: tmpfs makes fdatasync free; use --dir on a real disk');

  const rounds = [];
  let b3Conversation;
  const b3Directory = join(root, 'b3');
  try {
    if (options.only !== 'b2') {
      mkdirSync(b3Directory);
      console.log(
        `B3 setup: writing a ${formatNumber(options.replayEvents, 0)}-event conversation with Parley…`,
      );
      const filled = await runChild(
        'parley-fill',
        { dir: b3Directory, events: options.replayEvents, textChars: options.textChars },
        childOptions,
      );
      b3Conversation = filled.conversationId;
    }

    for (let round = 0; round <= options.rounds; round++) {
      const label = round === 0 ? 'warm-up (discarded)' : `round ${round}/${options.rounds}`;
      /** @type {{ round: number, warmUp: boolean, b2: any, b3: any, loadAverage: number[] }} */
      const record = {
        round,
        warmUp: round === 0,
        b2: undefined,
        b3: undefined,
        loadAverage: os.loadavg(),
      };
      /** @type {(workload: string, name: string, mode: string, config: object) => Promise<any>} */
      const run = async (workload, name, mode, config) => {
        const directory = join(root, `${workload}-r${round}-${mode}`);
        if (workload === 'b2') mkdirSync(directory);
        const started = performance.now();
        const result = await runChild(
          mode,
          { dir: workload === 'b2' ? directory : b3Directory, ...config },
          childOptions,
        );
        if (workload === 'b2') rmSync(directory, { recursive: true, force: true });
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `  ${workload.toUpperCase()} ${label} ${mode}: ${
            workload === 'b2' ? describeAppend(result) : describeReplay(result)
          } [${seconds} s]`,
        );
        return result;
      };

      if (options.only !== 'b3') {
        const concurrent = {
          events: options.events,
          warmupEvents: warmupFor(options.events),
          producers: options.producers,
          textChars: options.textChars,
        };
        const single = {
          events: options.single,
          warmupEvents: warmupFor(options.single),
          producers: 1,
          textChars: options.textChars,
        };
        record.b2 = {};
        record.b2.parleyConcurrent = await run(
          'b2',
          'parleyConcurrent',
          'parley-concurrent',
          concurrent,
        );
        record.b2.rawGroupCommit = await run(
          'b2',
          'rawGroupCommit',
          'raw-group-commit',
          concurrent,
        );
        record.b2.parleySingle = await run('b2', 'parleySingle', 'parley-single', single);
        record.b2.rawFdatasync = await run('b2', 'rawFdatasync', 'raw-fdatasync', single);
        record.b2.rawSqliteSingle = await run('b2', 'rawSqliteSingle', 'raw-sqlite-single', single);
      }
      if (options.only !== 'b2') {
        const replay = {
          conversationId: b3Conversation,
          events: options.replayEvents,
          middle: Math.floor(options.replayEvents / 2),
          warmups: options.replayWarmups,
          repetitions: options.replayRepetitions,
        };
        record.b3 = {};
        record.b3.parleyReplay = await run('b3', 'parleyReplay', 'parley-replay', replay);
        record.b3.rawReplay = await run('b3', 'rawReplay', 'raw-replay', replay);
      }
      rounds.push(record);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  const counted = rounds.filter((round) => !round.warmUp);
  const rows = summarise(counted);
  const table = markdownTable(rows);
  const finishedAt = new Date();
  const result = {
    ...resultHeader('store (B2 durable append, B3 replay storage half)', {
      startedAt,
      finishedAt,
      machine,
    }),
    fileSystem,
    pinnedCore: core ?? null,
    settings: {
      mode: options.quick ? 'quick' : 'full',
      countedRounds: options.rounds,
      warmUpRounds: 1,
      b2: {
        events: options.events,
        producers: options.producers,
        singleProducerEvents: options.single,
        untimedWarmupEventsPerProcess: {
          concurrent: warmupFor(options.events),
          single: warmupFor(options.single),
        },
        textChars: options.textChars,
        parley:
          'SqlEventStore defaults: groupCommitMaxEvents 100, groupCommitMaxDelayMs 0; WAL, synchronous=FULL',
        peer: 'bench/peers/raw-sqlite-group-commit.mjs (20 producers; and 1 producer, information); bench/peers/raw-fdatasync.mjs',
      },
      b3: {
        events: options.replayEvents,
        middle: Math.floor(options.replayEvents / 2),
        warmUpPassesPerProcess: options.replayWarmups,
        timedPassesPerProcess: options.replayRepetitions,
        parley: 'store.iterate(conversationId, { startId }), default 500-event pages',
        peer: 'bench/peers/raw-sqlite-replay.mjs: paged 500 rows (compared) and one query (information)',
      },
    },
    rounds,
    summary: rows,
  };

  const heading =
    `Store benchmark, ${startedAt.toISOString().slice(0, 10)}: ${machine.cpuModel}, ${machine.cores} cores, ` +
    `${machine.totalMemoryGiB} GiB, Node ${machine.node}; medians of ${options.rounds} rounds after 1 warm-up`;
  const { jsonPath } = writeResultFiles({
    result,
    name: 'store',
    startedAt,
    json: options.json,
    heading,
    table,
    chart: svgChart(rows, heading),
  });
  printOutcome(rows, {
    jsonPath,
    allMet: 'All targets met.',
    describe: (row) =>
      `${row.id} (${row.ratio?.toFixed(2) ?? formatNumber(row.parley, 1)} vs ${row.target})`,
  });
}

runProgram(main);
