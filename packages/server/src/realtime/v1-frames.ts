import { isStreamingDelta, projectV1Event } from '@parley/protocol';
import type { StoredEvent } from '../events/event-store.js';
import type { ErrorCode } from '../shared/errors.js';

/** One outbound V1 frame, encoded once and written as-is to every connection that gets it. */
export interface EncodedV1Frame {
  data: Buffer;
  /** Streaming deltas go only to connections that opted in. */
  isDelta: boolean;
}

/** The V1 frame of a log entry (the projection from `@parley/protocol`), or undefined. */
export function encodeV1Event(event: StoredEvent): EncodedV1Frame | undefined {
  const projected = projectV1Event(event);
  if (projected === undefined) return undefined;
  return { data: Buffer.from(JSON.stringify(projected)), isDelta: isStreamingDelta(event) };
}

export function encodeV1Heartbeat(latestEventId: number): Buffer {
  return Buffer.from(JSON.stringify({ kind: 'Heartbeat', latest_event_id: latestEventId }));
}

/**
 * Parley's answer to a bad client frame: not an event (no id, timestamp or source), so V1 clients
 * that keep only events ignore it.
 */
export function encodeV1Error(code: ErrorCode, message: string): Buffer {
  return Buffer.from(JSON.stringify({ kind: 'Error', code, message }));
}
