import { eventKindAndType, isHiddenEvent, serializeEvent } from '@parley/protocol';
import type { NewEvent, StoredEvent } from './event-store.js';

/** An event prepared for insertion: everything but the id and timestamp is computed up front. */
export interface PreparedEvent {
  event: NewEvent;
  source: string | null;
  kind: string;
  type: string;
  hidden: number;
  /** The wire JSON without `id` and `timestamp`, which lead upstream's key order. */
  bodyJson: string;
}

export function prepareEvent(event: NewEvent): PreparedEvent {
  const { kind, type } = eventKindAndType(event);
  // Spreading every event leaves V8 a slow object; only copy when there is an id or timestamp to drop.
  const serialized = serializeEvent(event);
  const body =
    serialized['id'] === undefined && serialized['timestamp'] === undefined
      ? serialized
      : serializeEvent({ ...event, id: undefined, timestamp: undefined });
  return {
    event,
    source: event.source ?? null,
    kind,
    type,
    hidden: isHiddenEvent(event) ? 1 : 0,
    bodyJson: JSON.stringify(body),
  };
}

/** The stored wire JSON: `{"id":…,"timestamp":…` followed by the body's keys, in upstream order. */
export function payloadFor(prepared: PreparedEvent, id: number, timestamp: string): string {
  const head = `{"id":${id},"timestamp":${JSON.stringify(timestamp)}`;
  return prepared.bodyJson === '{}' ? `${head}}` : `${head},${prepared.bodyJson.slice(1)}`;
}

export function storedEventFor(
  prepared: PreparedEvent,
  id: number,
  timestamp: string,
): StoredEvent {
  return Object.assign({}, prepared.event, { id, timestamp }) as StoredEvent;
}

export function parsePayload(payload: string): StoredEvent {
  return JSON.parse(payload) as StoredEvent;
}
