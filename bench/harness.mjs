#!/usr/bin/env node
// @ts-check
// `npm run bench [-- B1 B3] [-- --quick] [-- --rounds N] [-- --tiny] [-- --no-pin] [-- --json path]
// [-- --chart path]`: one program running every workload of ../shared/spec/benchmarks.md (B1–B8, B10) or a
// chosen subset, each side by side with its peers. It runs the per-area benchmark programs as child
// processes (each already alternates Parley and its peers with a discarded warm-up, counted rounds and
// medians, and pins server and clients to different cores where it can), shows their progress lines
// as they go, and merges their result files into one run file: bench/results/run-<timestamp>.json
// (machine, settings, every program's full result with every round's figures, and one summary table
// with a row shape common to all workloads), plus run-<timestamp>.md and run-<timestamp>.svg (a bar
// chart of Parley ÷ peer per targeted row with its target).
//
// Options, passed on to every program in its own terms:
//   --quick      a smaller size of every workload, still 3 counted rounds (all of B1–B7 in about 2½ min
//                on 2 cores; a single workload in well under a minute)
//   --tiny       the smallest sizes that still exercise every code path (smoke tests)
//   --rounds N   counted rounds (after the one discarded warm-up) for every program
//   --no-pin     no taskset pinning of server and client processes
//   --json path  where to write the run file (the .md and .svg go next to it)
//   --chart path also write the SVG chart there (docs/benchmarks.svg)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/cli-options.mjs';
import { gitInfo, markdownTable, svgChart, writeResultJson } from './lib/harness-report.mjs';
import { hasTaskset, machineInfo } from './lib/store-machine.mjs';
import { allWorkloads, pendingWorkloads, programs } from './lib/harness-programs.mjs';

/** @param {string[]} argv */
function parseArguments(argv) {
  /** @type {string[]} */
  const workloads = [];
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean' },
      tiny: { type: 'boolean' },
      rounds: { type: 'integer' },
      'no-pin': { type: 'boolean', key: 'pin', default: true, set: false },
      json: { type: 'path' },
      chart: { type: 'path' },
    },
    {
      usage:
        'npm run bench -- [B1 … B8, B10] [--quick] [--tiny] [--rounds N] [--no-pin] [--json path] [--chart path]',
      positional: (text) => {
        if (!/^B\d+$/i.test(text)) throw new Error(`unknown argument ${text} (try --help)`);
        workloads.push(text.toUpperCase());
      },
    },
  );
  options.workloads = workloads;
  for (const name of options.workloads) {
    if (pendingWorkloads[name] !== undefined)
      console.log(`${name}: skipped, ${pendingWorkloads[name]}`);
    else if (!allWorkloads.includes(name)) throw new Error(`unknown workload ${name}`);
  }
  options.workloads = options.workloads.filter((/** @type {string} */ name) =>
    allWorkloads.includes(name),
  );
  if (options.workloads.length === 0 && workloads.length === 0)
    options.workloads = [...allWorkloads];
  return options;
}

/**
 * @param {import('./lib/harness-programs.mjs').Program} program
 * @param {string[]} chosen  the workloads of this program to run
 * @param {Record<string, any>} options
 * @param {string} jsonPath
 */
function programArguments(program, chosen, options, jsonPath) {
  const list = ['--json', jsonPath];
  if (options.tiny) list.push(...program.tiny);
  else if (options.quick) list.push(...program.quick);
  if (options.rounds !== undefined) list.push('--rounds', String(options.rounds));
  if (chosen.length < program.workloads.length) list.push(...program.only(chosen));
  if (!options.pin) list.push(...(program.noPin ?? []));
  else list.push(...(program.pin?.() ?? []));
  return list;
}

/**
 * Runs one program, prefixing its output lines; resolves with its exit code.
 * @param {import('./lib/harness-programs.mjs').Program} program
 * @param {string[]} programArgs
 * @returns {Promise<number>}
 */
function runProgram(program, programArgs) {
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL(program.file, import.meta.url)), ...programArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const prefix = `[${program.workloads.join(' ')}]`;
    /** @type {[import('node:stream').Readable, NodeJS.WriteStream][]} */
    const pipes = [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ];
    for (const [stream, sink] of pipes) {
      createInterface({ input: stream }).on('line', (line) => sink.write(`${prefix} ${line}\n`));
    }
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal === null ? 1 : 128)));
  });
}

/** @param {{ id?: string, workload?: string }} row */
function workloadIdOf(row) {
  const fromId = /^b(\d+)\./i.exec(row.id ?? '');
  if (fromId !== null) return `B${fromId[1]}`;
  const fromName = /^B(\d+)\b/.exec(row.workload ?? '');
  return fromName === null ? '?' : `B${fromName[1]}`;
}

/**
 * Every place in a program's rounds where the load-generating process used more than 90% of a core:
 * `clientCpuUtilisation` (socket and HTTP clients loading a server) or `loadGeneratorCpuUtilisation`
 * (B7's stream server feeding the measured client).
 * @param {string} programName
 * @param {any} result  the program's result file
 */
function busyClients(programName, result) {
  /** @type {{ where: string, [figure: string]: unknown }[]} */
  const found = [];
  /** @type {(value: any, path: string) => void} */
  const visit = (value, path) => {
    if (value === null || typeof value !== 'object') return;
    for (const key of ['clientCpuUtilisation', 'loadGeneratorCpuUtilisation']) {
      if (typeof value[key] === 'number' && value[key] > 0.9)
        found.push({ where: `${programName} ${path}`, [key]: value[key] });
    }
    for (const [key, child] of Object.entries(value))
      visit(child, path === '' ? key : `${path}.${key}`);
  };
  for (const round of result.rounds ?? []) {
    if (round.warmUp === true) continue;
    visit(round, `round ${round.round}`);
  }
  return found;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (options.workloads.length === 0) {
    console.log('Nothing to run: every workload asked for is pending.');
    return;
  }
  const machine = machineInfo();
  const startedAt = new Date();
  const pinAvailable = machine.cores >= 2 && hasTaskset();
  const mode = options.tiny ? 'tiny' : options.quick ? 'quick' : 'full';
  console.log(
    `Parley bench: ${options.workloads.join(' ')}; ${mode} mode` +
      `${options.rounds === undefined ? '' : `, ${options.rounds} counted rounds`}; ${machine.cpuModel}, ` +
      `${machine.cores} cores, ${machine.totalMemoryGiB} GiB, Node ${machine.node}; ` +
      `${options.pin && pinAvailable ? 'server and clients pinned to different cores' : 'not pinned'}`,
  );
  const scratch = mkdtempSync(join(tmpdir(), 'parley-bench-run-'));
  /** @type {Record<string, object>} */
  const results = {};
  const failures = [];
  const summary = [];
  const clientBusy = [];
  try {
    for (const program of programs) {
      const chosen = program.workloads.filter((name) => options.workloads.includes(name));
      if (chosen.length === 0) continue;
      const jsonPath = join(scratch, `${program.name}.json`);
      const programArgs = programArguments(program, chosen, options, jsonPath);
      const started = Date.now();
      console.log(
        `\n== ${chosen.join(', ')}: ${program.description}\n   node bench/${program.file} ${programArgs.join(' ')}`,
      );
      const code = await runProgram(program, programArgs);
      const seconds = (Date.now() - started) / 1_000;
      let result;
      try {
        result = JSON.parse(readFileSync(jsonPath, 'utf8'));
      } catch {
        result = undefined;
      }
      if (code !== 0 || result === undefined) {
        failures.push({
          program: program.name,
          exitCode: code,
          resultWritten: result !== undefined,
        });
        console.log(`== ${program.name}: failed (exit ${code}) after ${seconds.toFixed(0)} s`);
        if (result === undefined) continue;
      } else console.log(`== ${program.name}: done in ${seconds.toFixed(0)} s`);
      results[program.name] = { seconds, exitCode: code, arguments: programArgs.slice(2), result };
      const busy = busyClients(program.name, result);
      clientBusy.push(...busy);
      for (const row of result.summary ?? []) {
        const workloadId = workloadIdOf(row);
        if (!chosen.includes(workloadId)) continue;
        // A program measuring one workload owns every busy round; otherwise the round's path names it.
        const flags = busy.some(
          (entry) =>
            program.workloads.length === 1 ||
            entry.where.toLowerCase().includes(`.${workloadId.toLowerCase()}`),
        )
          ? ['client CPU > 90% in a round']
          : [];
        summary.push({
          workloadId,
          program: program.name,
          subject: row.subject ?? 'Parley',
          ...row,
          flags,
        });
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  summary.sort((left, right) =>
    left.workloadId.localeCompare(right.workloadId, 'en', { numeric: true }),
  );

  const run = {
    benchmark: 'Parley benchmark harness (bench/harness.mjs)',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
    git: gitInfo(),
    settings: {
      workloads: options.workloads,
      mode,
      countedRounds:
        options.rounds ??
        'each program’s default (store 5, replay 3, realtime 3, rest 3, llm 5, runtime 5; 3 in --quick)',
      pinned: options.pin && pinAvailable,
    },
    failures,
    clientBusy,
    summary,
    programs: results,
  };
  const { jsonPath, basePath } = writeResultJson(run, {
    name: 'run',
    startedAt,
    json: options.json,
  });
  const heading =
    `Parley ÷ peer, ${startedAt.toISOString().slice(0, 10)}, commit ${run.git.commit}, ${mode} mode; ` +
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}`;
  const table = markdownTable(summary);
  writeFileSync(`${basePath}.md`, `${heading}\n\n${table}\n`);
  const chart = `${svgChart(summary, heading)}\n`;
  writeFileSync(`${basePath}.svg`, chart);
  if (options.chart !== undefined) writeFileSync(options.chart, chart);
  console.log(`\n${heading}\n\n${table}\n`);
  if (clientBusy.length > 0)
    console.log(
      `Client process above 90% CPU in: ${clientBusy.map((entry) => entry.where).join('; ')}`,
    );
  console.log(`run file: ${jsonPath} (+ .md, .svg)`);
  if (failures.length > 0) {
    console.log(`failed: ${failures.map((failure) => failure.program).join(', ')}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
