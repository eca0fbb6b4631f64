#!/usr/bin/env node
// @ts-check
// Splits a CPU profile of the B3 replay (bench/lib/replay-cpu.mjs --profile) into the replay's
// parts: each sample's whole stack goes to the first bucket below that any of its frames matches,
// idle samples are left out. Prints ms, share of the busy time and µs per replayed event.
//
//   node bench/lib/replay-profile-summary.mjs file.cpuprofile <replayed events>
//
// <replayed events>: repetitions × (events + events / 2) for replay-cpu.mjs's two variants.
import { readCpuProfile } from './cpu-profile.mjs';

/** @type {[string, RegExp][]} */
const buckets = [
  ['profiler itself', /node:inspector/],
  ['garbage collector', /garbage collector/],
  ['V1 frame encoding (projection, JSON.stringify, Buffer.from)', /encodeV1Event/],
  ['JSON.parse of stored rows', /parsePayload/],
  [
    'SQLite page reads (better-sqlite3 .all)',
    /^readPage |^all |sqlite-event-reader|^readEventPage /,
  ],
  [
    'ws send and writev',
    /lib\/websocket|lib\/sender|writev|stream_base_commons|streams\/writable|node:net/,
  ],
  ['Socket.IO / engine.io packet path', /socket\.io\/dist|engine\.io\/build/],
  ['replay loop, hub, page iteration', /replay-then-tail|conversation-hub|event-pager/],
  [
    'connect: handshake, auth, snapshot, Kysely queries',
    /websocket-face|socket-io-face|admit|v1-state-snapshot|kysely|sqlite-driver|realtime-rpc/,
  ],
];

const [file, eventsText] = process.argv.slice(2);
if (file === undefined) {
  console.error(
    'usage: node bench/lib/replay-profile-summary.mjs file.cpuprofile <replayed events>',
  );
  process.exit(1);
}
const { profile, stackOf } = readCpuProfile(file);
const events = Number(eventsText);
/** @type {Map<number, number>} */
const selfTime = new Map();
profile.samples.forEach((id, index) =>
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
);
/** @param {import('./cpu-profile.mjs').ProfileNode} node */
const frameName = (node) =>
  `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}`;
/** @type {Map<string, number>} */
const totals = new Map();
let busy = 0;
for (const [id, micros] of selfTime) {
  const stack = stackOf(id).map(frameName);
  if (stack[0]?.startsWith('(idle)')) continue;
  busy += micros;
  const bucket = buckets.find(([, pattern]) => stack.some((frame) => pattern.test(frame)));
  const label = bucket?.[0] ?? 'other';
  totals.set(label, (totals.get(label) ?? 0) + micros);
}
console.log(
  `busy ${(busy / 1000).toFixed(1)} ms, ${(busy / events).toFixed(2)} µs per replayed event`,
);
for (const [label, micros] of [...totals].sort((left, right) => right[1] - left[1])) {
  console.log(
    `${label.padEnd(60)} ${(micros / 1000).toFixed(1).padStart(8)} ms ${((100 * micros) / busy).toFixed(1).padStart(5)}% ${(micros / events).toFixed(2).padStart(6)} µs/event`,
  );
}
