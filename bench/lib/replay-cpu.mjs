#!/usr/bin/env node
// @ts-check
// B3 socket half, server CPU only: one participant's server in this process, the replaying client
// (replay-clients.mjs) in a child, no watchers and no trickle, so the server's process.cpuUsage()
// over each timed replay is the replay's own cost. For comparing builds and for profiles, where
// bench/replay-bench.mjs's figures (which include the trickle and the lag monitor) move too much.
//
//   npm run build && taskset -c 1 node --expose-gc bench/lib/replay-cpu.mjs <participant> \
//     [events=10000] [repetitions=9] [--profile file.cpuprofile]
//
// participant: raw-replay | raw-replay-corked | parley-v1 | parley-socketio. After 3 untimed replays
// from the start it times `repetitions` replays from the start, then as many from the middle, and
// prints one JSON line: median server CPU µs per replayed event, median time to last event, and
// every sample. The client runs on core 0 (taskset) when the machine has two cores. --profile records a V8 CPU profile of the timed replays only (setup excluded);
// summarise it with bench/lib/replay-profile-summary.mjs. PARLEY_SERVER_DIST picks another build.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchSessionApiKey, defaultTextChars } from './realtime-payload.mjs';
import { startReplayParticipant } from './replay-participant.mjs';
import { startCpuProfile } from './cpu-profile.mjs';
import { startChild } from './realtime-rpc.mjs';
import { hasTaskset, machineInfo } from './store-machine.mjs';
import { median } from './store-stats.mjs';

const [participant = 'parley-v1', ...rest] = process.argv.slice(2);
const profileAt = rest.indexOf('--profile');
const profilePath = profileAt === -1 ? undefined : rest[profileAt + 1];
const numbers = rest.filter(
  (_, index) => profileAt === -1 || (index !== profileAt && index !== profileAt + 1),
);
const events = Number(numbers[0] ?? 10_000);
const repetitions = Number(numbers[1] ?? 9);
const peer = participant.startsWith('raw-replay');

const dataDirectory = mkdtempSync(join(tmpdir(), 'parley-replay-cpu-'));
const started = await startReplayParticipant({
  participant,
  events,
  textChars: defaultTextChars,
  dataDirectory,
});
const server = {
  port: started.port,
  id: started.replay.id,
  baseId: started.replay.baseId,
  close: () => started.server.close(),
};

// The client on core 0, as in replay-bench.mjs (run this process with `taskset -c 1`): a child would
// otherwise inherit the server's core and share it.
const pinClient = machineInfo().cores >= 2 && hasTaskset();
const client = startChild(
  fileURLToPath(new URL('./replay-clients.mjs', import.meta.url)),
  pinClient ? { core: 0 } : {},
);
const common = {
  kind: peer ? 'raw-replay' : participant,
  port: server.port,
  apiKey: benchSessionApiKey,
  conversationId: server.id,
  lastSeq: events - 1,
};
const variants = {
  fromStart: { cursor: -1, firstSeq: 0 },
  fromMiddle: { cursor: server.baseId + events / 2, firstSeq: events / 2 },
};
for (let pass = 0; pass < 3; pass++)
  await client.call('replay', { ...common, ...variants.fromStart });

const profiler = profilePath === undefined ? undefined : startCpuProfile();
await profiler?.started;
/** @type {Record<string, unknown>} */
const result = { participant, events, repetitions };
for (const [name, variant] of Object.entries(variants)) {
  const samples = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cpuStart = process.cpuUsage();
    const replayed = await client.call('replay', { ...common, ...variant });
    const cpu = process.cpuUsage(cpuStart);
    samples.push({ ms: replayed.ms, cpuMicrosPerEvent: (cpu.user + cpu.system) / replayed.events });
  }
  result[name] = {
    cpuMicrosPerEvent: median(samples.map((sample) => sample.cpuMicrosPerEvent)),
    ms: median(samples.map((sample) => sample.ms)),
    samples,
  };
}
if (profiler !== undefined && profilePath !== undefined) {
  writeFileSync(profilePath, JSON.stringify(await profiler.stop()));
}
console.log(JSON.stringify(result));
await client.stop();
await server.close();
rmSync(dataDirectory, { recursive: true, force: true });
process.exit(0);
