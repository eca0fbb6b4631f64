#!/usr/bin/env node
// @ts-check
// What each of Parley's HTTP layers costs on `GET /alive` (B5): bare Fastify, then Parley's layers
// added one at a time from packages/server/dist, each step in a fresh server process (core 1) loaded
// by autocannon `-c 100 -p 10` (this process, core 0). Prints server CPU µs/request per step and
// the difference to the step before; the last step is Parley's whole app (`createApp`).
//
//   npm run build && node bench/lib/rest-layers.mjs [--duration s] [--rounds N]
//
// Steps are cumulative: 1 bare Fastify (logger off), 2 + a silent pino logger with Parley's redaction
// (Fastify's default per-request child), 3 the same with Parley's lazy child factory instead,
// 4 + CORS, 5 + request metrics, 6 + Cache-Control, 7 + the server-info activity hook, 8 + the /api
// auth hook, 9 the whole app (adds the /api routes, OpenAPI, Socket.IO and WebSocket listeners).
import autocannon from 'autocannon';
import { fileURLToPath } from 'node:url';
import { parseOptions } from './cli-options.mjs';
import { startChild } from './realtime-rpc.mjs';
import { hasTaskset, machineInfo } from './store-machine.mjs';
import { median } from './store-stats.mjs';

const steps = [
  'bare',
  'logger-default-child',
  'logger-lazy-child',
  'cors',
  'metrics',
  'cache-control',
  'server-info-hook',
  'auth-hook',
  'whole-app',
];

{
  const options = parseOptions(process.argv.slice(2), {
    duration: { type: 'integer', default: 3 },
    rounds: { type: 'integer', default: 3 },
  });
  const pin = machineInfo().cores >= 2 && hasTaskset();
  /** @type {Record<string, number[]>} */
  const figures = Object.fromEntries(steps.map((step) => [step, []]));
  for (let round = 0; round <= options.rounds; round++) {
    for (const step of steps) {
      const server = startChild(fileURLToPath(new URL('rest-layers-server.mjs', import.meta.url)), {
        core: pin ? 1 : undefined,
      });
      try {
        const { port } = await server.call('start', { step });
        const before = await server.call('cpu');
        const result = await autocannon({
          url: `http://127.0.0.1:${port}/alive`,
          connections: 100,
          pipelining: 10,
          duration: options.duration,
        });
        const after = await server.call('cpu');
        const cpu = after.user - before.user + (after.system - before.system);
        if (result.non2xx > 0 || result.errors > 0) throw new Error(`${step}: failed requests`);
        if (round > 0) figures[step]?.push(cpu / result.requests.total);
      } finally {
        await server.stop();
      }
    }
  }
  let previous;
  console.log('step                    server CPU µs/request   added');
  for (const step of steps) {
    const value = median(figures[step] ?? []);
    const added = previous === undefined ? '' : (value - previous).toFixed(2).padStart(8);
    console.log(`${step.padEnd(24)}${value.toFixed(2).padStart(10)}            ${added}`);
    if (step !== 'logger-default-child') previous = value;
  }
  console.log('(logger-lazy-child is compared with bare, not with logger-default-child)');
}
