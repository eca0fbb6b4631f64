// @ts-check
// The programs the harness (bench/harness.mjs) runs: each one's file, workloads and flags.

/**
 * A program, the workloads it measures, and how the harness options read in its own terms.
 * @typedef {{
 *   name: string,
 *   file: string,
 *   workloads: string[],
 *   description: string,
 *   only: (chosen: string[]) => string[],
 *   pin?: () => string[],
 *   noPin?: string[],
 *   quick: string[],
 *   tiny: string[],
 * }} Program
 */

/** @type {Program[]} */
export const programs = [
  {
    name: 'store',
    file: 'store-bench.mjs',
    workloads: ['B2', 'B3'],
    description: 'event log: durable append (B2), replay read (B3 storage half)',
    only: (chosen) => (chosen.length === 1 ? ['--only', String(chosen[0]).toLowerCase()] : []),
    // Unpinned by default (see docs/benchmarks.md: pinning one process also pins V8's helpers).
    pin: () => [],
    quick: ['--quick', '--events', '1500', '--single', '200', '--replay-events', '3000'],
    tiny: ['--quick', '--events', '200', '--single', '50', '--replay-events', '500'],
  },
  {
    name: 'replay',
    file: 'replay-bench.mjs',
    workloads: ['B3'],
    description: 'replay over the sockets (B3 socket half): time to last event, lag of others',
    only: () => [],
    noPin: ['--no-pin'],
    // --quick leaves out the corked peer, which only feeds information rows.
    quick: [
      '--quick',
      ...'--events 1000 --repetitions 1 --warmups 1 --watchers 20'.split(' '),
      ...['--participants', 'raw-replay,parley-v1,parley-socketio'],
    ],
    tiny: ['--quick', '--events', '300', '--repetitions', '1', '--warmups', '1', '--watchers', '5'],
  },
  {
    name: 'realtime',
    file: 'realtime-bench.mjs',
    workloads: ['B1', 'B4', 'B6'],
    description: 'realtime faces: fan-out (B1), idle connections (B4), command latency (B6)',
    only: (chosen) => ['--only', chosen.join(',').toLowerCase()],
    noPin: ['--no-pin'],
    quick: ['--quick', '--clients', '100', '--events', '200', '--idle', '300', '--commands', '10'],
    tiny: ['--quick', '--clients', '20', '--events', '50', '--idle', '50', '--commands', '5'],
  },
  {
    name: 'rest',
    file: 'rest-bench.mjs',
    workloads: ['B5'],
    description: 'REST under autocannon -c 100 -p 10 (B5): events page and /alive',
    only: () => [],
    noPin: ['--no-pin'],
    quick: ['--quick', '--duration', '1'],
    tiny: ['--tiny', '--events', '60', '--connections', '10'],
  },
  {
    name: 'llm',
    file: 'llm-bench.mjs',
    workloads: ['B7'],
    description: 'LLM relay (B7): chunks/s, added latency per chunk, stop',
    only: () => [],
    pin: () => ['--pin'],
    quick: ['--quick', '--chunks', '10000', '--paced', '300', '--stops', '5'],
    tiny: ['--quick', '--chunks', '2000', '--paced', '100', '--stops', '3'],
  },
  {
    name: 'runtime',
    file: 'runtime-bench.mjs',
    workloads: ['B10'],
    description: 'tool runtime (B10): sandbox start-up per command, run action → first output byte',
    only: () => [],
    // Not pinned: a sandboxed command runs on its spawner's core (see runtime-bench.mjs).
    quick: ['--quick'],
    tiny: ['--quick', '--startup-samples', '5', '--first-byte-samples', '3'],
  },
  {
    name: 'cluster',
    file: 'cluster-bench.mjs',
    workloads: ['B8'],
    description:
      'scale-out (B8): 1-3 processes on PostgreSQL + Redis behind HAProxy vs one without Redis',
    only: () => [],
    noPin: ['--no-pin'],
    quick: ['--quick', '--events', '300', '--paced-seconds', '3', '--commands', '20'],
    tiny: [
      '--quick',
      '--clients',
      '10',
      '--events',
      '50',
      '--paced-seconds',
      '1',
      '--commands',
      '3',
    ],
  },
];
export const allWorkloads = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B10'];
/** @type {Record<string, string>} */
export const pendingWorkloads = {};
