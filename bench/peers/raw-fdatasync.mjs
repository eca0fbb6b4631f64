// @ts-check
// Peer for B2's single-event ack latency: the floor for one durable write. Appends one buffer of the
// serialized event's size to a file with fs.writeSync + fs.fdatasyncSync, sequentially, and times each.
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeMessageEvent } from '../lib/store-events.mjs';
import { cpuMicros, latencySummary } from '../lib/store-stats.mjs';

/** @param {{ dir: string, events: number, warmupEvents?: number, textChars?: number }} settings */
export function rawFdatasyncLoop({ dir, events, warmupEvents = 0, textChars }) {
  const bytes = Buffer.byteLength(
    JSON.stringify({
      id: 0,
      timestamp: new Date().toISOString(),
      ...makeMessageEvent(0, textChars),
    }),
  );
  const buffer = Buffer.alloc(bytes, 'x');
  buffer[bytes - 1] = 0x0a;
  const fd = openSync(join(dir, 'raw.log'), 'a');
  const latencies = new Float64Array(events);
  for (let index = 0; index < warmupEvents; index++) {
    writeSync(fd, buffer);
    fdatasyncSync(fd);
  }
  globalThis.gc?.();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let index = 0; index < events; index++) {
    const sent = performance.now();
    writeSync(fd, buffer);
    fdatasyncSync(fd);
    latencies[index] = performance.now() - sent;
  }
  const wallMs = performance.now() - start;
  const cpuDelta = process.cpuUsage(cpuStart);
  const cpu = cpuMicros(cpuDelta);
  closeSync(fd);
  return {
    events,
    warmupEvents,
    bytes,
    wallMs,
    eventsPerSecond: (events / wallMs) * 1000,
    ...latencySummary(latencies),
    cpuMicrosPerEvent: cpu / events,
    cpuUserMicrosPerEvent: cpuDelta.user / events,
    cpuSystemMicrosPerEvent: cpuDelta.system / events,
    cpuUtilisation: cpu / 1000 / wallMs,
  };
}
