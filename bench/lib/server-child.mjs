// @ts-check
// What the server processes of the socket benchmarks (realtime-server-child.mjs,
// replay-server-child.mjs) share: a fresh data directory, a paced producer that publishes a steady
// number of events per second, the errors of the appends it does not wait for, and the stop that
// closes the server, removes its data and lets the process end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { now } from './realtime-payload.mjs';
import { cpuMicros } from './store-stats.mjs';

/**
 * A new empty directory under the system's temporary directory.
 * @param {string} prefix
 */
export function newDataDirectory(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * When `result` is a promise (a pending append), its failure message goes into `errors`; returns
 * the promise, or undefined for anything else (a peer that publishes synchronously).
 * @param {unknown} result
 * @param {string[]} errors
 * @returns {Promise<unknown> | undefined}
 */
export function trackErrors(result, errors) {
  if (!(result instanceof Promise)) return undefined;
  result.catch((error) => errors.push(error instanceof Error ? error.message : String(error)));
  return result;
}

/**
 * @typedef {{
 *   produced: number,
 *   eventsPerSecond: number,
 *   stalls: number,
 *   cpuMicros: number,
 *   wallMs: number,
 *   errors: number,
 *   firstError: string | undefined,
 * }} PacedFigures  what a paced producer did, and this process's CPU meanwhile
 */

/**
 * Publishes `rate` events per second on a 5 ms tick until `stop()`: each tick publishes the events
 * due by then through `publishNext(index)` (index counts this producer's events from 0), which
 * returns its pending append, if any, or `false` to skip the rest of the tick (counted as a stall,
 * e.g. when the clients are too far behind).
 * @param {{ rate: number, publishNext: (index: number) => unknown }} producer
 */
export function startPacer({ rate, publishNext }) {
  /** @type {string[]} */
  const errors = [];
  const startedAt = now();
  const cpuStart = process.cpuUsage();
  let produced = 0;
  let stalls = 0;
  const timer = setInterval(() => {
    const due = Math.floor((rate * (now() - startedAt)) / 1000);
    while (produced < due) {
      const outcome = publishNext(produced);
      if (outcome === false) {
        stalls++;
        break;
      }
      trackErrors(outcome, errors);
      produced++;
    }
  }, 5);
  return {
    startedAt,
    /** Stops the producer and returns its figures. @returns {PacedFigures} */
    stop() {
      clearInterval(timer);
      const cpu = process.cpuUsage(cpuStart);
      const wallMs = now() - startedAt;
      return {
        produced,
        eventsPerSecond: (produced * 1000) / wallMs,
        stalls,
        cpuMicros: cpuMicros(cpu),
        wallMs,
        errors: errors.length,
        firstError: errors[0],
      };
    },
  };
}

/** @typedef {ReturnType<typeof startPacer>} Pacer */

/**
 * The `stop` of a server process: closes the server (if one started), removes its data directory
 * (if any), and lets the process exit shortly after the answer has gone out (Parley may keep
 * timers, such as heartbeats and idle cleanup, until its close resolves).
 * @param {{ close(): unknown } | undefined} server
 * @param {string | undefined} dataDirectory
 */
export async function stopServerProcess(server, dataDirectory) {
  try {
    await server?.close();
  } finally {
    if (dataDirectory !== undefined) rmSync(dataDirectory, { recursive: true, force: true });
  }
  setTimeout(() => process.exit(0), 200).unref();
  return { ok: true };
}
