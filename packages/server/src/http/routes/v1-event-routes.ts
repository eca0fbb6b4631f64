import { z } from 'zod';
import {
  isoForParsing,
  projectV1Event,
  v0TypeNamesForV1Kind,
  v1EventCountQuerySchema,
  v1EventPageSchema,
  v1EventSearchQuerySchema,
  v1HistoryTypeNames,
  type V1Event,
  type V1EventCountQuery,
} from '@parley/protocol';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { ApiRoutes } from './api-routes.js';
import type { EventFilter } from '../../events/event-store.js';

const tags = ['v1 events'];

/**
 * The V1 history endpoints (reference §5.3, §3.3): how many events a conversation's V1 face shows,
 * and pages of them as V1 frames. Both are scoped to the user; another user's or a missing
 * conversation answers like an empty one (count 0, no items), as `GET /api/conversations/{id}`
 * answers `null` rather than 404. A malformed conversation id is a 400, as everywhere.
 *
 * Without `kind__eq` they cover the durable history: every entry with a V1 form except streaming
 * deltas (see `v1HistoryTypeNames`). The order is the log order, which is also timestamp order.
 */
export function registerV1EventRoutes(routes: ApiRoutes, service: ConversationService): void {
  routes.get(
    '/api/v1/events/count',
    {
      schema: {
        tags,
        summary: 'How many V1 events a conversation has (an integer)',
        querystring: v1EventCountQuerySchema,
        response: { 200: z.number().int() },
      },
    },
    async (request) => {
      const filter = filterFor(request.query);
      if (filter === undefined) return 0;
      return service.countEvents(
        request.userId,
        request.query.conversation_id__eq,
        filter,
        request.clientGone,
      );
    },
  );

  routes.get(
    '/api/v1/events/search',
    {
      schema: {
        tags,
        summary: 'A page of a conversation’s events as V1 frames (limit 1–100)',
        querystring: v1EventSearchQuerySchema,
        response: { 200: v1EventPageSchema },
      },
    },
    async (request) => {
      const query = request.query;
      const filter = filterFor(query);
      if (filter === undefined) return { items: [], next_page_id: null };
      const descending = query.sort_order === 'TIMESTAMP_DESC';
      const cursor = query.page_id === undefined ? undefined : Number(query.page_id);
      const result = await service.searchEvents(request.userId, query.conversation_id__eq, {
        ...(descending ? { reverse: true, endId: cursor } : { startId: cursor ?? 0 }),
        limit: query.limit,
        filter,
        signal: request.clientGone,
      });
      const items: V1Event[] = [];
      for (const event of result.events) {
        const frame = projectV1Event(event);
        if (frame !== undefined) items.push(frame);
      }
      const last = result.events.at(-1);
      const nextPageId =
        result.hasMore && last !== undefined
          ? String(descending ? last.id - 1 : last.id + 1)
          : null;
      return { items, next_page_id: nextPageId };
    },
  );
}

/** The store filter for a query, or undefined when it can match nothing (a kind never sent). */
function filterFor(query: V1EventCountQuery): EventFilter | undefined {
  const includeTypes =
    query.kind__eq === undefined ? v1HistoryTypeNames : v0TypeNamesForV1Kind(query.kind__eq);
  if (includeTypes.length === 0) return undefined;
  const filter: EventFilter = { includeTypes };
  if (query.timestamp__gte !== undefined) {
    filter.startDate = new Date(firstStoredAtOrAfter(query.timestamp__gte)).toISOString();
  }
  if (query.timestamp__lt !== undefined) {
    // Stored timestamps have millisecond precision, so "before t" is "at or before t - 1 ms".
    filter.endDate = new Date(firstStoredAtOrAfter(query.timestamp__lt) - 1).toISOString();
  }
  if (filter.startDate !== undefined && filter.endDate !== undefined) {
    if (filter.startDate > filter.endDate) return undefined;
  }
  return filter;
}

/**
 * The first millisecond a stored timestamp can have that is not before `value`: the value itself,
 * rounded up when it has digits below the millisecond.
 */
function firstStoredAtOrAfter(value: string): number {
  const iso = isoForParsing(value);
  const milliseconds = Date.parse(iso);
  const fraction = /\.\d{3}(\d+)/.exec(iso)?.[1];
  return fraction !== undefined && /[1-9]/.test(fraction) ? milliseconds + 1 : milliseconds;
}
