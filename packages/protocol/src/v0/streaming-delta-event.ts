import { z } from 'zod';
import { eventIdSchema, eventTimestampSchema } from './event-common-fields.js';

/**
 * Parley's durable streaming delta (design.md §4): a coalesced chunk of LLM output, appended to the
 * log with its own id and later superseded by the final message event. It is neither an action nor
 * an observation, and stock V0 clients never receive it.
 */
export const streamingDeltaEventSchema = z.object({
  id: eventIdSchema.optional(),
  timestamp: eventTimestampSchema.optional(),
  source: z.literal('agent').optional(),
  cause: eventIdSchema.optional(),
  streaming_delta: z.object({
    content: z.string(),
    reasoning_content: z.string().optional(),
  }),
});

export type StreamingDeltaEvent = z.output<typeof streamingDeltaEventSchema>;
