// @ts-check
// What the comparison programs (realtime, replay, store, LLM) do around their measurements, in one
// place: where the processes run (pinning), which participants run, the rounds (one discarded
// warm-up round, then the counted ones, a participant whose build lacks a face skipped from then
// on), the result files (JSON, Markdown with notes, SVG) and the closing lines.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { writeResultJson } from './harness-report.mjs';
import { hasTaskset, machineInfo } from './store-machine.mjs';

/** @typedef {{ server?: number, clients?: number }} Cores  where each kind of process is pinned */

/**
 * @typedef {{
 *   round: number,
 *   warmUp: boolean,
 *   loadAverage: number[],
 *   [workload: string]: any,
 * }} RoundRecord  one round's figures, by workload and participant
 */

/**
 * The machine and where the processes go: with two cores or more and taskset, servers on the last
 * core and clients on core 0; otherwise (or with `pin` false) not pinned.
 * @param {boolean} pin
 */
export function placeProcesses(pin) {
  const machine = machineInfo();
  const pinned = pin && machine.cores >= 2 && hasTaskset();
  /** @type {Cores} */
  const cores = pinned ? { server: machine.cores - 1, clients: 0 } : {};
  const placement = pinned
    ? `server on core ${cores.server}, clients on core ${cores.clients}`
    : 'not pinned';
  return { machine, pinned, cores, placement };
}

/**
 * The participants to run: all asked for, or with `peersOnly` the peers alone (not `parley-*`).
 * @param {string[]} participants
 * @param {boolean} peersOnly
 */
export function selectParticipants(participants, peersOnly) {
  return participants.filter((participant) => !peersOnly || !participant.startsWith('parley-'));
}

/**
 * One discarded warm-up round (round 0), then `rounds` counted ones; inside each, every participant
 * in order. `measure` runs a participant's share of a round into `record` and returns why the
 * participant is not available (its build lacks the face), or undefined; such a participant is
 * not run again, and `markUnavailable` fills its place in the later rounds' records.
 * @param {{
 *   rounds: number,
 *   participants: string[],
 *   newRecord?: () => Record<string, unknown>,
 *   measure: (participant: string, record: RoundRecord, label: string) => Promise<string | undefined>,
 *   markUnavailable: (record: RoundRecord, participant: string, reason: string) => void,
 * }} plan
 */
export async function runRounds({ rounds, participants, newRecord, measure, markUnavailable }) {
  /** @type {Record<string, string>} */
  const unavailable = {};
  /** @type {RoundRecord[]} */
  const records = [];
  for (let round = 0; round <= rounds; round++) {
    const label = round === 0 ? 'warm-up (discarded)' : `round ${round}/${rounds}`;
    /** @type {RoundRecord} */
    const record = { round, warmUp: round === 0, loadAverage: os.loadavg(), ...newRecord?.() };
    for (const participant of participants) {
      const known = unavailable[participant];
      if (known !== undefined) {
        markUnavailable(record, participant, known);
        continue;
      }
      const reason = await measure(participant, record, label);
      if (reason !== undefined) unavailable[participant] = reason;
    }
    records.push(record);
  }
  return { rounds: records, counted: records.filter((record) => !record.warmUp), unavailable };
}

/**
 * Writes the result as JSON (to `json`, or bench/results/<name>-<time>.json) with a Markdown file
 * (heading, table, notes) and an SVG chart beside it, and prints the Markdown.
 * @param {{
 *   result: object,
 *   name: string,
 *   startedAt: Date,
 *   json?: string,
 *   heading: string,
 *   table: string,
 *   notes?: string[],
 *   chart: string,
 * }} files
 */
export function writeResultFiles({ result, name, startedAt, json, heading, table, notes, chart }) {
  const { jsonPath, basePath } = writeResultJson(result, { name, startedAt, json });
  const noteText = notes === undefined || notes.length === 0 ? '' : `\n${notes.join('\n')}\n`;
  const markdown = `${heading}\n\n${table}\n${noteText}`;
  writeFileSync(`${basePath}.md`, markdown);
  writeFileSync(`${basePath}.svg`, `${chart}\n`);
  console.log(`\n${markdown}`);
  return { jsonPath, basePath };
}

/**
 * The closing lines: the missed targets (each as `describe` says) or `allMet`, then the files.
 * @template {{ status: string }} Row
 * @param {Row[]} rows
 * @param {{ jsonPath: string, allMet: string, describe: (row: Row) => string }} closing
 */
export function printOutcome(rows, { jsonPath, allMet, describe }) {
  const missed = rows.filter((row) => row.status === 'miss');
  console.log(missed.length === 0 ? allMet : `Targets missed: ${missed.map(describe).join(', ')}`);
  console.log(`Results: ${jsonPath} (+ .md, .svg)`);
}

/**
 * Runs a program's `main`; a failure prints its stack and sets exit code 1.
 * @param {() => Promise<void>} main
 */
export function runProgram(main) {
  main().catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
}
