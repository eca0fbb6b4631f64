// @ts-check
// The peer of B10: the same command spawned unsandboxed with `child_process.spawn('/bin/sh',
// ['-c', command])`, timed from the call to its first stdout byte and to its end (every stream
// closed, as Parley's `Sandbox.run` resolves), on the same clock as Parley's side.
import { spawn } from 'node:child_process';
import { now } from './realtime-payload.mjs';

/**
 * @typedef {{ firstByteMs: number | undefined, totalMs: number, exitCode: number | null }} SpawnTiming
 *   firstByteMs: undefined when the command printed nothing
 */

/**
 * Runs `command` with /bin/sh unsandboxed, stdin ignored, stdout and stderr read.
 * @param {string} command
 * @returns {Promise<SpawnTiming>}
 */
export function spawnTimed(command) {
  return new Promise((resolve, reject) => {
    const startedAt = now();
    /** @type {number | undefined} */
    let firstByteMs;
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', () => {
      firstByteMs ??= now() - startedAt;
    });
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (exitCode) =>
      resolve({ firstByteMs, totalMs: now() - startedAt, exitCode }),
    );
  });
}
