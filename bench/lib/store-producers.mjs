// @ts-check
// The producer loop of B2, shared by Parley and its group-commit peer so that both run the very same
// client code: `producers` conversations append concurrently, each awaiting its ack before its next
// append (1 event per append).
import { conversationIds, makeMessageEvent } from './store-events.mjs';
import { cpuMicros, latencySummary } from './store-stats.mjs';

/** @typedef {(conversationId: string, event: object) => unknown} AppendOne  one append, acked when it resolves */

/**
 * @param {AppendOne} append
 * @param {string[]} conversations
 * @param {number} events
 * @param {number | undefined} textChars
 * @param {Float64Array | undefined} latencies
 */
async function produce(append, conversations, events, textChars, latencies) {
  const producers = conversations.length;
  await Promise.all(
    conversations.map(async (conversationId, producer) => {
      for (let index = producer; index < events; index += producers) {
        const event = makeMessageEvent(index, textChars);
        const sent = performance.now();
        await append(conversationId, event);
        if (latencies !== undefined) latencies[index] = performance.now() - sent;
      }
    }),
  );
}

/**
 * Appends `warmupEvents` untimed (to other conversations: a server is a long-running, JIT-warm
 * process), collects garbage, then times `events` appends. `onTimedStart` runs just before the timed
 * section (to read counters). Returns the timed figures; CPU is this whole process's.
 * @param {{ append: AppendOne, producers: number, events: number, warmupEvents: number, textChars?: number, onTimedStart?: () => void }} settings
 */
export async function measureAppends({
  append,
  producers,
  events,
  warmupEvents,
  textChars,
  onTimedStart,
}) {
  if (warmupEvents > 0) {
    await produce(append, conversationIds(producers, 5), warmupEvents, textChars, undefined);
  }
  const conversations = conversationIds(producers);
  const latencies = new Float64Array(events);
  globalThis.gc?.();
  onTimedStart?.();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await produce(append, conversations, events, textChars, latencies);
  const wallMs = performance.now() - start;
  const cpuDelta = process.cpuUsage(cpuStart);
  const cpu = cpuMicros(cpuDelta);
  return {
    conversations,
    figures: {
      events,
      warmupEvents,
      wallMs,
      eventsPerSecond: (events / wallMs) * 1000,
      ...latencySummary(latencies),
      cpuMicrosPerEvent: cpu / events,
      cpuUserMicrosPerEvent: cpuDelta.user / events,
      cpuSystemMicrosPerEvent: cpuDelta.system / events,
      cpuUtilisation: cpu / 1000 / wallMs,
    },
  };
}
