// @ts-check
// The events-page handler the B5 peers share (bench/peers/bare-fastify.mjs, bare-node-http.mjs):
// the same page Parley's `GET /api/conversations/{id}/events?limit=N` returns, read from the same
// SQLite file with the same query Parley's store compiles (Kysely, SQLite dialect) for that request:
//
//   select "id", "payload" from "events"
//   where "conversation_id" = ? and not ("kind" = ? and "type" = ?) and "id" >= ?
//   order by "id" asc limit ?
//
// with the StreamingDelta type excluded and limit + 1 rows to learn `has_more`, then `JSON.parse` of
// every stored payload and `JSON.stringify` of `{ events, has_more }`. What it leaves out is what
// Parley adds: authentication, the conversation ownership lookup, zod validation of the query and
// the response, request ids and logging hooks, the per-IP rate-limit hook and the error mapping.
import Database from 'better-sqlite3';

/**
 * Opens `<dataDirectory>/parley.db` read-only; returns `page(conversationId, startId, limit)`.
 * @param {string} databasePath
 */
export function openEventsPage(databasePath) {
  const database = new Database(databasePath, { readonly: true, fileMustExist: true });
  const select = database.prepare(
    'select "id", "payload" from "events" where "conversation_id" = ? and ' +
      'not ("kind" = ? and "type" = ?) and "id" >= ? order by "id" asc limit ?',
  );
  return {
    /**
     * The response body (a JSON string) for one page.
     * @param {string} conversationId
     * @param {number} startId
     * @param {number} limit
     */
    page(conversationId, startId, limit) {
      const rows = select.all(
        conversationId,
        'streaming_delta',
        'streaming_delta',
        startId,
        limit + 1,
      );
      const hasMore = rows.length > limit;
      if (hasMore) rows.pop();
      const events = rows.map((row) =>
        JSON.parse(/** @type {{ payload: string }} */ (row).payload),
      );
      return JSON.stringify({ events, has_more: hasMore });
    },
    close: () => database.close(),
  };
}

/**
 * Reads `limit` and `start_id` from a query string the way the route does (defaults 20 and 0).
 * @param {URLSearchParams} searchParams
 */
export function pageQuery(searchParams) {
  const limit = Number(searchParams.get('limit') ?? 20);
  const startId = Number(searchParams.get('start_id') ?? 0);
  return { limit, startId };
}
