import { z } from 'zod';
import { v1EventSchema } from './v1-events.js';

// The query strings of `GET /api/v1/events/count` and `/api/v1/events/search` (reference §5.3).

/** An ISO 8601 date or date-time; one without an offset is read as UTC. */
export const v1TimestampQuerySchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i,
    'must be an ISO 8601 date or date-time',
  )
  .refine((value) => !Number.isNaN(Date.parse(isoForParsing(value))), 'must be a real date');

/** Makes an offset-less date-time explicit UTC, the way Parley stores timestamps. */
export function isoForParsing(value: string): string {
  const normalised = value.toUpperCase().replace(' ', 'T');
  if (/(?:Z|[+-]\d{2}:?\d{2})$/i.test(normalised) && normalised.includes('T')) return normalised;
  return normalised.includes('T') ? `${normalised}Z` : `${normalised}T00:00:00Z`;
}

export const v1EventCountQuerySchema = z.object({
  conversation_id__eq: z.string(),
  /** A V1 kind such as `MessageEvent`; a kind Parley never sends matches nothing. */
  kind__eq: z.string().optional(),
  /** Inclusive lower bound on the event timestamp. */
  timestamp__gte: v1TimestampQuerySchema.optional(),
  /** Exclusive upper bound on the event timestamp. */
  timestamp__lt: v1TimestampQuerySchema.optional(),
});

export const v1EventSortOrders = ['TIMESTAMP', 'TIMESTAMP_DESC'] as const;

export const v1EventSearchQuerySchema = v1EventCountQuerySchema.extend({
  sort_order: z.enum(v1EventSortOrders).default('TIMESTAMP'),
  /** The `next_page_id` of the previous page. */
  page_id: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a next_page_id from an earlier page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});

export const v1EventPageSchema = z
  .object({
    items: z.array(v1EventSchema),
    next_page_id: z.string().nullable(),
  })
  .meta({ id: 'V1EventPage' });

export type V1EventSortOrder = (typeof v1EventSortOrders)[number];
export type V1EventCountQuery = z.output<typeof v1EventCountQuerySchema>;
export type V1EventSearchQuery = z.output<typeof v1EventSearchQuerySchema>;
export type V1EventPage = z.output<typeof v1EventPageSchema>;
