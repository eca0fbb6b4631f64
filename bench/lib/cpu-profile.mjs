// @ts-check
// V8 CPU profiles: recording one of this process (for --cpu-prof, --profile, --b6-profile), and
// reading a `.cpuprofile` for the profile summaries (rest-profile-summary.mjs,
// replay-profile-summary.mjs): its nodes by id and each node's parent, to walk a sample's stack.
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * @typedef {{
 *   id: number,
 *   callFrame: { functionName: string, url: string, lineNumber: number },
 *   children?: number[],
 * }} ProfileNode  a node of the call tree
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[] }} CpuProfile
 */

/**
 * Reads the profile at `file`. `node(id)` is the node with that id (throws for an unknown id);
 * `stackOf(id)` is the node and its callers, innermost first.
 * @param {string} file
 */
export function readCpuProfile(file) {
  /** @type {CpuProfile} */
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} */
  const parents = new Map();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parents.set(child, node.id);
  }
  /** @param {number} id */
  const node = (id) => {
    const found = nodes.get(id);
    if (found === undefined) throw new Error(`${file}: no node ${id}`);
    return found;
  };
  /** @param {number} id */
  const stackOf = (id) => {
    const stack = [];
    for (let current = /** @type {number | undefined} */ (id); current !== undefined;) {
      stack.push(node(current));
      current = parents.get(current);
    }
    return stack;
  };
  return { profile, node, stackOf };
}

/**
 * Starts a CPU profile of this process (sampling every `samplingIntervalMicros` when given);
 * `started` resolves once it runs, `stop()` ends it and resolves with the profile, ready to be
 * written as a `.cpuprofile`.
 * @param {number} [samplingIntervalMicros]
 */
export function startCpuProfile(samplingIntervalMicros) {
  const session = new Session();
  session.connect();
  const started = (async () => {
    await session.post('Profiler.enable');
    if (samplingIntervalMicros !== undefined) {
      await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalMicros });
    }
    await session.post('Profiler.start');
  })();
  return {
    started,
    async stop() {
      await started;
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}
