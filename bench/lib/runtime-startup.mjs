// @ts-check
// B10 (a), sandbox start-up per command: Parley's `BubblewrapSandbox.run(workspace, command)` from
// packages/server/dist against `child_process.spawn('/bin/sh', ['-c', command])` unsandboxed, side by
// side in this process, sample by sample (the order alternating), on the same clock. Per command:
// the wall time of a whole run (call → resolved / every stream closed) and, for commands that print,
// the time to the first output byte (`onOutput` / the first stdout chunk).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFromDist } from './parley-dist.mjs';
import { now } from './realtime-payload.mjs';
import { spawnTimed } from './runtime-spawn.mjs';
import { latencySummary } from './store-stats.mjs';

/** The commands of (a), by key: `true` prints nothing; `echo x` prints one line. */
export const startupCommands = [
  { key: 'true', command: 'true' },
  { key: 'echo', command: 'echo x' },
];

/**
 * @typedef {{ p50Ms: number, p99Ms: number, maxMs: number, meanMs: number }} Latency
 * @typedef {{ total: Latency, firstByte?: Latency, samples: number }} SideFigures
 * @typedef {{ command: string, parley: SideFigures, spawn: SideFigures }} CommandFigures
 */

/**
 * A bubblewrap sandbox with its workspace root in a fresh temporary directory that the sandbox user
 * can traverse (mode 0711), and one warm-up command run (its first use checks bwrap and prlimit and
 * writes the generated /etc). `close` ends it and removes the directory.
 * @param {{ bubblewrapPath?: string }} [options]
 */
export async function openBenchSandbox(options = {}) {
  const { BubblewrapSandbox } = await importFromDist('runtime/bubblewrap-sandbox.js');
  const { createSilentLogger } = await importFromDist('shared/logger.js');
  const directory = mkdtempSync(join(tmpdir(), 'parley-bench-runtime-'));
  chmodSync(directory, 0o711);
  const sandbox = new BubblewrapSandbox({
    workspaceRoot: join(directory, 'workspaces'),
    logger: createSilentLogger(),
    ...(options.bubblewrapPath === undefined ? {} : { bubblewrapPath: options.bubblewrapPath }),
  });
  const workspaceId = 'bench';
  const probe = await sandbox.run(workspaceId, 'echo ready');
  if (probe.exitCode !== 0 || probe.output !== 'ready\n') {
    await sandbox.close();
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`the sandbox did not run a command: ${JSON.stringify(probe)}`);
  }
  return {
    sandbox,
    workspaceId,
    async close() {
      await sandbox.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * One sandboxed run of `command`, timed like the peer: its first output byte and its end.
 * @param {any} sandbox  a BubblewrapSandbox
 * @param {string} workspaceId
 * @param {string} command
 */
async function sandboxTimed(sandbox, workspaceId, command) {
  const startedAt = now();
  /** @type {number | undefined} */
  let firstByteMs;
  const result = await sandbox.run(workspaceId, command, {
    onOutput: () => {
      firstByteMs ??= now() - startedAt;
    },
  });
  const totalMs = now() - startedAt;
  if (result.exitCode !== 0) {
    throw new Error(`sandboxed ${command} failed: ${JSON.stringify(result)}`);
  }
  return { firstByteMs, totalMs };
}

/**
 * @param {number[]} total
 * @param {number[]} firstBytes
 * @returns {SideFigures}
 */
function sideFigures(total, firstBytes) {
  return {
    total: latencySummary(total),
    ...(firstBytes.length === 0 ? {} : { firstByte: latencySummary(firstBytes) }),
    samples: total.length,
  };
}

/**
 * `samples` runs of each command on each side, alternating which goes first.
 * @param {{ sandbox: any, workspaceId: string }} bench  from openBenchSandbox
 * @param {{ samples: number, commands?: { key: string, command: string }[] }} options
 * @returns {Promise<Record<string, CommandFigures>>} by the command's key
 */
export async function measureStartup({ sandbox, workspaceId }, { samples, commands }) {
  /** @type {Record<string, CommandFigures>} */
  const figures = {};
  for (const { key, command } of commands ?? startupCommands) {
    /** @type {Record<'parley' | 'spawn', { total: number[], firstBytes: number[] }>} */
    const times = {
      parley: { total: [], firstBytes: [] },
      spawn: { total: [], firstBytes: [] },
    };
    for (let sample = 0; sample < samples; sample++) {
      /** @type {('parley' | 'spawn')[]} */
      const order = sample % 2 === 0 ? ['parley', 'spawn'] : ['spawn', 'parley'];
      for (const side of order) {
        const timing =
          side === 'parley'
            ? await sandboxTimed(sandbox, workspaceId, command)
            : await spawnTimed(command);
        if ('exitCode' in timing && timing.exitCode !== 0) {
          throw new Error(`spawned ${command} failed with ${timing.exitCode}`);
        }
        times[side].total.push(timing.totalMs);
        if (timing.firstByteMs !== undefined) times[side].firstBytes.push(timing.firstByteMs);
      }
    }
    figures[key] = {
      command,
      parley: sideFigures(times.parley.total, times.parley.firstBytes),
      spawn: sideFigures(times.spawn.total, times.spawn.firstBytes),
    };
  }
  return figures;
}
