import type { Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { CompiledEventFilter } from './event-filter.js';
import { parsePayload } from './event-row.js';
import type { StoredEvent } from './event-store.js';

export interface PageRange {
  conversationId: string;
  startId: number;
  endId: number | undefined;
  reverse: boolean;
  pageSize: number;
  filter: CompiledEventFilter;
  signal: AbortSignal | undefined;
}

/**
 * Reads a range of one conversation's log page by page (keyset on the id), never the whole history
 * at once, and yields to the event loop between pages so a long read never blocks other work.
 */
export async function* readEventPages(
  kysely: Kysely<DatabaseSchema>,
  range: PageRange,
): AsyncGenerator<StoredEvent> {
  if (range.endId !== undefined && range.endId < range.startId) return;
  let cursor = range.reverse ? range.endId : range.startId;
  for (;;) {
    throwIfAborted(range.signal);
    let query = kysely
      .selectFrom('events')
      .select(['id', 'payload'])
      .where('conversation_id', '=', range.conversationId)
      .where((builder) => range.filter.where(builder));
    if (range.reverse) {
      query = query.where('id', '>=', range.startId);
      if (cursor !== undefined) query = query.where('id', '<=', cursor);
      query = query.orderBy('id', 'desc');
    } else {
      query = query.where('id', '>=', cursor ?? range.startId);
      if (range.endId !== undefined) query = query.where('id', '<=', range.endId);
      query = query.orderBy('id', 'asc');
    }
    const rows = await query.limit(range.pageSize).execute();
    for (const row of rows) {
      const event = parsePayload(row.payload);
      if (range.filter.matches === undefined || range.filter.matches(event, row.payload))
        yield event;
    }
    if (rows.length < range.pageSize) return;
    const lastId = Number((rows[rows.length - 1] as { id: number }).id);
    cursor = range.reverse ? lastId - 1 : lastId + 1;
    if (range.reverse && cursor < range.startId) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
