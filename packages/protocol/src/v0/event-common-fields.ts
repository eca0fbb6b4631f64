import { z } from 'zod';
import { eventSourceSchema } from './event-source.js';
import { llmMetricsSchema } from './llm-metrics.js';
import { toolCallMetadataSchema } from './tool-call-metadata.js';

/** A log id: 0, 1, 2 … per conversation. Upstream's `INVALID_ID` (-1) is never stored. */
export const eventIdSchema = z.number().int().nonnegative();

/**
 * ISO 8601 date-time. Upstream writes local time without an offset
 * (`2025-01-01T12:00:00.123456`); an offset or `Z` is accepted too.
 */
export const eventTimestampSchema = z.iso.datetime({ local: true, offset: true });

/** Top-level fields shared by actions and observations, in upstream `TOP_KEYS` order. */
export const eventCommonFields = {
  id: eventIdSchema.optional(),
  timestamp: eventTimestampSchema.optional(),
  source: eventSourceSchema.optional(),
  message: z.string().optional(),
  cause: eventIdSchema.optional(),
  tool_call_metadata: toolCallMetadataSchema.optional(),
  llm_metrics: llmMetricsSchema.optional(),
};

/**
 * Upstream reads a missing `args` or `extras` as `{}`: a preprocess step for those schemas, so the
 * `{}` still has to satisfy the type's own schema.
 */
export function emptyObjectWhenMissing(value: unknown): unknown {
  return value === undefined ? {} : value;
}
