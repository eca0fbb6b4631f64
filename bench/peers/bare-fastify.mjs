// @ts-check
// B5 peer: bare Fastify serving the identical handler as Parley's
// `GET /api/conversations/{id}/events` and `GET /alive` — the same events page read from the same
// SQLite file (Parley's parley.db, opened read-only) with the same query, parsed and serialized the
// same way (bench/lib/rest-events-page.mjs). It does the same work as Parley minus what Parley adds:
// no authentication, no conversation ownership lookup, no zod validation of the query or response,
// no rate-limit / request-id / logging hooks (logger off), no error mapping. Same Fastify major.
import Fastify from 'fastify';
import { openEventsPage, pageQuery } from '../lib/rest-events-page.mjs';
import { portOf } from '../lib/listening.mjs';

/**
 * Starts on 127.0.0.1 and a free port; resolves with `{ port, close }`.
 * @param {{ databasePath: string }} settings
 */
export async function startBareFastify({ databasePath }) {
  const events = openEventsPage(databasePath);
  const server = Fastify({ logger: false });
  server.get('/alive', async () => ({ status: 'ok' }));
  server.get('/api/conversations/:id/events', async (request, reply) => {
    const query = /** @type {Record<string, string>} */ (request.query);
    const { limit, startId } = pageQuery(new URLSearchParams(query));
    reply.header('content-type', 'application/json; charset=utf-8');
    return events.page(/** @type {{ id: string }} */ (request.params).id, startId, limit);
  });
  await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    port: portOf(server.server),
    close: async () => {
      await server.close();
      events.close();
    },
  };
}
