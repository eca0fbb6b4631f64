#!/usr/bin/env node
// @ts-check
// B5, REST under load: `GET /api/conversations/{id}/events?limit=50` and `GET /alive`, autocannon with
// 100 connections and 10 requests pipelined on each (`-c 100 -p 10`), against Parley and two peers
// serving the identical handler (bench/lib/rest-events-page.mjs): bare Fastify and bare node:http.
//
//   npm run build && node bench/rest-bench.mjs [--quick] [--tiny] [--rounds N] [--duration s]
//     [--events N] [--connections N] [--pipelining N] [--json path] [--no-pin] [--cpu-prof dir]
//
// Method: one conversation of --events (default 200) ~1 KB agent messages is written once by Parley
// into a temporary data directory; every participant then serves that same parley.db. Each round
// (one discarded warm-up, then N counted, default 3) runs the participants in an order that rotates
// per round, each in a fresh server process, and loads each endpoint for --duration seconds (5; --quick
// 2; --tiny 1) from one long-lived autocannon process. Server and client are pinned to different cores
// (taskset) when there are two. Server CPU per request is the server process's `process.cpuUsage()`
// over the load divided by the requests; a round whose client process used more than 90% of a core is
// flagged (then the load generator, not the server, may be the limit). Ratios are Parley ÷ peer per
// round, median over rounds. Writes bench/results/rest-<timestamp>.json (or --json path).
// --cpu-prof dir: each server records a V8 CPU profile of each counted load (startup and warm-up
// excluded) to dir/<participant>-<endpoint>-round<N>.cpuprofile; summarise one with
// `node bench/lib/rest-profile-summary.mjs <file>`. Profiling slows the server: do not compare those
// figures with unprofiled runs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './lib/cli-options.mjs';
import {
  markdownTable,
  ratioStatus,
  resultHeader,
  writeResultJson,
} from './lib/harness-report.mjs';
import { startChild } from './lib/realtime-rpc.mjs';
import { benchSessionApiKey } from './lib/realtime-payload.mjs';
import { hasTaskset, machineInfo } from './lib/store-machine.mjs';
import { median } from './lib/store-stats.mjs';

const participants = ['parley', 'bare-fastify', 'bare-node-http'];
/** @type {Record<string, string>} */
const names = {
  parley: 'Parley',
  'bare-fastify': 'bare Fastify',
  'bare-node-http': 'bare node:http',
};
const endpoints = {
  events: {
    label: 'events page, limit=50',
    path: (/** @type {string} */ id) => `/api/conversations/${id}/events?limit=50`,
  },
  alive: { label: '/alive', path: () => '/alive' },
};

/** @param {string[]} argv */
function parseArguments(argv) {
  const options = parseOptions(
    argv,
    {
      quick: { type: 'boolean' },
      tiny: { type: 'boolean' },
      rounds: { type: 'integer' },
      duration: { type: 'integer' },
      events: { type: 'integer', default: 200 },
      connections: { type: 'integer', default: 100 },
      pipelining: { type: 'integer', default: 10 },
      json: { type: 'path' },
      'no-pin': { type: 'boolean', key: 'pin', default: true, set: false },
      'cpu-prof': { type: 'path' },
    },
    {
      unknown: (argument) =>
        `unknown argument ${argument}\nnode bench/rest-bench.mjs [--quick] [--tiny] [--rounds N] ` +
        '[--duration s] [--events N] [--connections N] [--pipelining N] [--json path] [--no-pin] ' +
        '[--cpu-prof dir]',
    },
  );
  options.rounds ??= 3;
  options.duration ??= options.tiny ? 1 : options.quick ? 2 : 5;
  return options;
}

const metrics = [
  { key: 'requestsPerSecond', metric: 'req/s', digits: 0, higherIsBetter: true },
  { key: 'p99Ms', metric: 'p99 latency (ms)', digits: 1 },
  { key: 'serverCpuMicrosPerRequest', metric: 'server CPU µs/request', digits: 1 },
];

/** @param {any[]} countedRounds */
function summarise(countedRounds) {
  const rows = [];
  for (const [endpoint, { label }] of Object.entries(endpoints)) {
    for (const peer of ['bare-fastify', 'bare-node-http']) {
      for (const { key, metric, digits } of metrics) {
        const subject = countedRounds.map((round) => round.results.parley?.[endpoint]?.[key]);
        const peerValues = countedRounds.map((round) => round.results[peer]?.[endpoint]?.[key]);
        const ratios = subject.map(
          (/** @type {number} */ value, /** @type {number} */ index) => value / peerValues[index],
        );
        const ratio = median(ratios);
        const target =
          key === 'requestsPerSecond' && peer === 'bare-fastify' ? '≥ 0.85x' : undefined;
        rows.push({
          id: `b5.${endpoint}.${key}.parley-vs-${peer}`,
          workload: `B5 REST ${label}, -c ${countedRounds[0]?.connections} -p ${countedRounds[0]?.pipelining}`,
          metric,
          subject: 'Parley',
          subjectKey: 'parley',
          peer: names[peer] ?? peer,
          digits,
          parley: median(subject),
          peerValue: median(peerValues),
          ratio,
          perRound: { subject, peer: peerValues, ratios },
          target,
          status: ratioStatus(ratio, target),
        });
      }
    }
  }
  return rows;
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const machine = machineInfo();
  const pin = options.pin && machine.cores >= 2 && hasTaskset();
  const pinning = pin ? { server: 1, clients: 0 } : null;
  const startedAt = new Date();
  const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-rest-bench-'));
  if (options.cpuProf !== undefined) mkdirSync(options.cpuProf, { recursive: true });
  console.log(
    `rest bench (B5): ${options.quick ? 'quick' : options.tiny ? 'tiny' : 'full'} mode, 1 warm-up + ` +
      `${options.rounds} counted rounds, ${options.duration} s per endpoint, -c ${options.connections} ` +
      `-p ${options.pipelining}; ${pin ? 'server on core 1, autocannon on core 0' : 'not pinned'}`,
  );
  const load = startChild(fileURLToPath(new URL('lib/rest-load-child.mjs', import.meta.url)), {
    core: pinning?.clients,
  });
  const rounds = [];
  try {
    const seeder = startChild(fileURLToPath(new URL('lib/rest-server-child.mjs', import.meta.url)));
    const { conversationId } = await seeder.call('seed', {
      dataDirectory,
      events: options.events,
      textChars: 420,
    });
    await seeder.stop();
    for (let round = 0; round <= options.rounds; round++) {
      // Rotated by one place each round, so no participant always runs first.
      const shift = round % participants.length;
      const order = [...participants.slice(shift), ...participants.slice(0, shift)];
      /** @type {Record<string, Record<string, object>>} */
      const results = {};
      const flags = [];
      for (const participant of order) {
        const server = startChild(
          fileURLToPath(new URL('lib/rest-server-child.mjs', import.meta.url)),
          { core: pinning?.server },
        );
        try {
          const { port } = await server.call('start', { participant, dataDirectory });
          results[participant] = {};
          for (const [endpoint, { path }] of Object.entries(endpoints)) {
            const profiling = options.cpuProf !== undefined && round > 0;
            if (profiling) await server.call('profileStart');
            const before = await server.call('cpu');
            const figures = await load.call('run', {
              url: `http://127.0.0.1:${port}${path(conversationId)}`,
              headers: { 'x-session-api-key': benchSessionApiKey },
              connections: options.connections,
              pipelining: options.pipelining,
              durationSeconds: options.duration,
            });
            const after = await server.call('cpu');
            if (profiling) {
              await server.call('profileStop', {
                path: join(options.cpuProf, `${participant}-${endpoint}-round${round}.cpuprofile`),
              });
            }
            const cpu = after.user - before.user + (after.system - before.system);
            figures.serverCpuMicrosPerRequest = cpu / Math.max(1, figures.requests);
            figures.serverCpuUtilisation = cpu / 1e6 / figures.seconds;
            figures.clientBusy = figures.clientCpuUtilisation > 0.9;
            if (figures.clientBusy)
              flags.push(`${names[participant]} ${endpoint}: client CPU > 90%`);
            if (figures.non2xx > 0 || figures.errors > 0)
              flags.push(
                `${names[participant]} ${endpoint}: ${figures.non2xx} non-2xx, ${figures.errors} errors`,
              );
            results[participant][endpoint] = figures;
            console.log(
              `  ${round === 0 ? 'warm-up' : `round ${round}/${options.rounds}`} ${names[participant]} ${endpoint}: ` +
                `${Math.round(figures.requestsPerSecond).toLocaleString('en-US')} req/s, p99 ${figures.p99Ms} ms, ` +
                `server ${figures.serverCpuMicrosPerRequest.toFixed(1)} µs/request, client CPU ` +
                `${Math.round(figures.clientCpuUtilisation * 100)}%${figures.clientBusy ? ' (client busy)' : ''}`,
            );
          }
        } finally {
          await server.stop();
        }
      }
      rounds.push({
        round,
        warmUp: round === 0,
        order,
        connections: options.connections,
        pipelining: options.pipelining,
        results,
        flags,
      });
    }
  } finally {
    await load.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
  const summary = summarise(rounds.filter((round) => !round.warmUp));
  const result = {
    ...resultHeader('rest (B5 events page and /alive under autocannon -c 100 -p 10)', {
      startedAt,
      machine,
    }),
    pinning,
    settings: {
      mode: options.tiny ? 'tiny' : options.quick ? 'quick' : 'full',
      countedRounds: options.rounds,
      warmUpRounds: 1,
      durationSeconds: options.duration,
      connections: options.connections,
      pipelining: options.pipelining,
      seededEvents: options.events,
      loadGenerator: 'autocannon (programmatic), one process',
      parley: 'createApp from dist, session API key, REST rate limit off',
      peers:
        'bench/peers/bare-fastify.mjs, bench/peers/bare-node-http.mjs (bench/lib/rest-events-page.mjs)',
    },
    clientBusy: rounds.flatMap((round) =>
      round.flags.map((flag) => `${flag} (round ${round.round})`),
    ),
    rounds,
    summary,
  };
  const { jsonPath } = writeResultJson(result, {
    name: 'rest',
    startedAt,
    json: options.json,
  });
  console.log(
    `\n${markdownTable(summary.map((row) => ({ ...row, workloadId: 'B5' })))}\n\nresult: ${jsonPath}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
