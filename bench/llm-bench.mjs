#!/usr/bin/env node
// @ts-check
// LLM relay benchmark: workload B7 of /work/shared/spec/benchmarks.md. A local OpenAI-compatible
// SSE server (bench/lib/llm-stream-server.mjs, its own process) streams; Parley's compiled LLM layer
// (LanguageModels → OpenAI-compatible provider + retries + logging, from packages/server/dist) reads
// it, side by side with the limit: a direct `fetch` consumer of the same stream
// (bench/peers/direct-fetch-consumer.mjs). For information, the provider library alone
// (bench/peers/ai-sdk-consumer.mjs) reads it too, to separate the library's cost from Parley's.
//
//   npm run bench:llm                 (builds, then runs in full mode)
//   node bench/llm-bench.mjs [--quick] [--rounds N] [--chunks N] [--paced N] [--stops N]
//     [--json path] [--pin]
//
// Per client and round, in a fresh child process: (1) throughput — a flood of --chunks chunks
// (default 50,000) after three untimed warm-up streams (10,000 chunks each, half the flood when
// smaller): chunks/s, the client process's CPU µs per chunk, and the stream server's CPU share (a
// saturated load generator would make the figure a lower bound); (2) latency — --paced chunks
// (default 2,000) at one per millisecond, each stamped by the server with process.hrtime (CLOCK_MONOTONIC, shared by all processes), read on
// arrival: p50/p99 server write → client callback; (3) stop — --stops times (default 20), abort
// after 20 chunks of an endless stream and ask the server when it saw the connection close.
// One discarded warm-up round, then N counted rounds (default 5, --quick 3) alternating which
// client goes first. Figures are medians over counted rounds; ratios are Parley ÷ direct per round,
// then the median. The client is the measured party here, so it runs at ~100% CPU during the flood
// by design. `--pin` puts the server on core 0 and the clients on core 1 (needs taskset, 2 cores).
//
// Writes bench/results/llm-<timestamp>.json (or --json path) plus a .md table and an .svg chart.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/cli-options.mjs';
import { summariseLlm } from './lib/llm-report.mjs';
import { printOutcome, runProgram, writeResultFiles } from './lib/bench-program.mjs';
import { resultHeader } from './lib/harness-report.mjs';
import { formatNumber, markdownTable, svgChart } from './lib/store-report.mjs';
import { hasTaskset, machineInfo } from './lib/store-machine.mjs';
import { runOneShot } from './lib/store-run-child.mjs';

const childEntry = fileURLToPath(new URL('./lib/llm-child.mjs', import.meta.url));
const serverEntry = fileURLToPath(new URL('./lib/llm-stream-server.mjs', import.meta.url));

/** @param {string[]} argv */
function parseArguments(argv) {
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'integer' },
      chunks: { type: 'integer', default: 50_000 },
      paced: { type: 'integer' },
      stops: { type: 'integer' },
      json: { type: 'string' },
      pin: { type: 'boolean', default: false },
    },
    { unknown: (argument) => `Unknown argument ${argument}` },
  );
  options.rounds ??= options.quick ? 3 : 5;
  options.paced ??= options.quick ? 1_000 : 2_000;
  options.stops ??= options.quick ? 10 : 20;
  return options;
}

/**
 * @param {number | undefined} core
 * @param {string} command
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function pinned(core, command, args) {
  return core === undefined ? [command, args] : ['taskset', ['-c', String(core), command, ...args]];
}

/** @param {number | undefined} core */
async function startServer(core) {
  const [command, args] = pinned(core, process.execPath, [serverEntry]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [line] = await Promise.race([
    new Promise((resolveLine) => lines.once('line', (text) => resolveLine([text]))),
    new Promise((_, reject) =>
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`))),
    ),
  ]);
  const { port } = JSON.parse(line);
  return { child, baseUrl: `http://127.0.0.1:${port}/v1` };
}

/**
 * @param {string} client  parley, direct or library (see lib/llm-child.mjs)
 * @param {object} config
 * @param {number | undefined} core
 */
function runClient(client, config, core) {
  return runOneShot(childEntry, [client, JSON.stringify(config)], {
    name: client,
    core,
    timeoutMs: 10 * 60_000,
  });
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const startedAt = new Date();
  const machine = machineInfo();
  const canPin = options.pin && machine.cores >= 2 && hasTaskset();
  if (options.pin && !canPin) console.log('--pin needs taskset and two cores; running unpinned');
  const server = await startServer(canPin ? 0 : undefined);
  const clientCore = canPin ? 1 : undefined;
  const config = {
    baseUrl: server.baseUrl,
    chunks: options.chunks,
    // Three untimed streams of up to 10,000 chunks each warm the client's JIT before the flood.
    warmupChunks: Math.min(10_000, Math.max(1_000, Math.round(options.chunks / 2))),
    pacedChunks: options.paced,
    stops: options.stops,
    afterChunks: 20,
  };
  const rounds = [];
  try {
    for (let round = 0; round <= options.rounds; round++) {
      const order =
        round % 2 === 0 ? ['parley', 'direct', 'library'] : ['library', 'direct', 'parley'];
      /** @type {Record<string, any>} */
      const results = {};
      for (const client of order) results[client] = await runClient(client, config, clientCore);
      const label = round === 0 ? 'warm-up' : `round ${round}/${options.rounds}`;
      console.log(
        `${label}: Parley ${formatNumber(results.parley.throughput.chunksPerSecond, 0)} chunks/s, ` +
          `direct ${formatNumber(results.direct.throughput.chunksPerSecond, 0)}; p99 ${formatNumber(results.parley.latency.p99Ms, 3)} vs ` +
          `${formatNumber(results.direct.latency.p99Ms, 3)} ms; stop max ${formatNumber(results.parley.stop.maxMs, 2)} vs ${formatNumber(results.direct.stop.maxMs, 2)} ms`,
      );
      rounds.push({ round, warmUp: round === 0, order, ...results });
    }
  } finally {
    server.child.kill();
  }

  const counted = rounds.filter((round) => !round.warmUp);
  const rows = summariseLlm(counted);
  const table = markdownTable(rows);
  const result = {
    ...resultHeader('LLM relay (B7)', { startedAt, machine }),
    pinned: canPin ? { server: 0, clients: 1 } : null,
    settings: {
      mode: options.quick ? 'quick' : 'full',
      countedRounds: options.rounds,
      warmUpRounds: 1,
      ...config,
      baseUrl: undefined,
      parley:
        'LanguageModels.create() (OpenAI-compatible provider, retries, timeouts, logging at silent), stream() text deltas',
      peer: 'bench/peers/direct-fetch-consumer.mjs: fetch, split on blank lines, JSON.parse, delta.content',
      informationPeer:
        'bench/peers/ai-sdk-consumer.mjs: @ai-sdk/openai-compatible doStream, bare reader loop',
    },
    rounds,
    summary: rows,
  };
  const heading =
    `LLM relay benchmark, ${startedAt.toISOString().slice(0, 10)}: ${machine.cpuModel}, ${machine.cores} cores, ` +
    `Node ${machine.node}; medians of ${options.rounds} rounds after 1 warm-up`;
  const { jsonPath } = writeResultFiles({
    result,
    name: 'llm',
    startedAt,
    json: options.json,
    heading,
    table,
    chart: svgChart(rows, heading),
  });
  printOutcome(rows, { jsonPath, allMet: 'All targets met.', describe: (row) => row.id });
}

runProgram(main);
