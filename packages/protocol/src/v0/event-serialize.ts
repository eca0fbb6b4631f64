import { isAction, isObservation } from './parley-event.js';
import type { ParleyEvent } from './parley-event.js';

/** Upstream `TOP_KEYS` (`openhands/events/serialization/event.py`), in order. */
export const eventTopKeys = [
  'id',
  'timestamp',
  'source',
  'message',
  'cause',
  'action',
  'observation',
  'tool_call_metadata',
  'llm_metrics',
] as const;

/**
 * The wire (and storage) form of an event: `JSON.stringify(serializeEvent(event))`. Keys come in
 * upstream order: `TOP_KEYS`, then `args` (actions) or `content`, `extras` (observations), then
 * `success` (run observations only), `timeout` (actions) or `streaming_delta`. Absent and `null`
 * top-level fields are omitted, and so is `id` -1, as upstream does.
 *
 * The result is a shallow copy: `args`, `extras` and nested values are the event's own objects.
 */
export function serializeEvent(event: ParleyEvent): Record<string, unknown> {
  const fields: Readonly<Record<string, unknown>> = event;
  const serialized: Record<string, unknown> = {};
  for (const key of eventTopKeys) {
    const value = fields[key];
    if (value === undefined || value === null) continue;
    if (key === 'id' && value === -1) continue;
    serialized[key] = value;
  }
  if (isAction(event)) {
    serialized.args = event.args;
    if (event.timeout !== undefined) serialized.timeout = event.timeout;
  } else if (isObservation(event)) {
    serialized.content = event.content;
    serialized.extras = event.extras;
    if (event.observation === 'run' && event.success !== undefined) {
      serialized.success = event.success;
    }
  } else {
    serialized.streaming_delta = event.streaming_delta;
  }
  return serialized;
}
