import { z } from 'zod';
import { actionEventSchema } from './action-event.js';
import type { ActionEvent } from './action-event.js';
import { observationEventSchema } from './observation-event.js';
import type { ObservationEvent } from './observation-event.js';
import { streamingDeltaEventSchema } from './streaming-delta-event.js';
import type { StreamingDeltaEvent } from './streaming-delta-event.js';

/**
 * Any entry of a conversation log. Prefer `parseEvent`, which reports unknown types and the first
 * failing path; this plain union is for composing into other schemas.
 */
export const parleyEventSchema = z.union([
  actionEventSchema,
  observationEventSchema,
  streamingDeltaEventSchema,
]);

export type ParleyEvent = ActionEvent | ObservationEvent | StreamingDeltaEvent;

export function isAction(event: ParleyEvent): event is ActionEvent {
  return 'action' in event;
}

export function isObservation(event: ParleyEvent): event is ObservationEvent {
  return 'observation' in event;
}

export function isStreamingDelta(event: ParleyEvent): event is StreamingDeltaEvent {
  return 'streaming_delta' in event;
}
