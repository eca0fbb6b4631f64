#!/usr/bin/env node
// `npm run bench [-- --quick] [-- B2 B3]`: runs the benchmark programs that exist so far, each side
// by side with its peers. Workloads arrive with the issues that build their parts (see
// ../shared/spec/benchmarks.md and docs/benchmarks.md); the full harness is its own issue.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const programs = [
  {
    workloads: ['B2', 'B3'],
    file: 'store-bench.mjs',
    description: 'event log: durable append, replay read',
  },
];
const pending = ['B1', 'B4', 'B5', 'B6', 'B7'];

const argumentsGiven = process.argv.slice(2);
const requested = argumentsGiven
  .filter((argument) => /^B\d$/i.test(argument))
  .map((name) => name.toUpperCase());
const options = argumentsGiven.filter((argument) => !/^B\d$/i.test(argument));

for (const name of requested) {
  if (pending.includes(name))
    console.log(`${name}: not built yet (arrives with its issue); skipped`);
  else if (!programs.some((program) => program.workloads.includes(name))) {
    console.error(`Unknown workload ${name}`);
    process.exit(2);
  }
}

let failed = false;
for (const program of programs) {
  if (requested.length > 0 && !program.workloads.some((name) => requested.includes(name))) continue;
  console.log(`\n== ${program.workloads.join(', ')}: ${program.description}`);
  const result = spawnSync(
    process.execPath,
    [fileURLToPath(new URL(program.file, import.meta.url)), ...options],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
