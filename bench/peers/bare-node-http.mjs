// @ts-check
// B5 peer: bare `node:http` serving the identical handler as Parley's
// `GET /api/conversations/{id}/events` and `GET /alive` — the same events page read from the same
// SQLite file (Parley's parley.db, opened read-only) with the same query, parsed and serialized the
// same way (bench/lib/rest-events-page.mjs). It does the same work as Parley minus what Parley adds
// and minus Fastify itself: no router beyond two string checks, no authentication, no ownership
// lookup, no validation, no hooks, no logging. The floor for an HTTP/1.1 JSON endpoint in Node.
import { createServer } from 'node:http';
import { openEventsPage, pageQuery } from '../lib/rest-events-page.mjs';
import { listen } from '../lib/listening.mjs';

const alive = JSON.stringify({ status: 'ok' });
const eventsPath = /^\/api\/conversations\/([^/]+)\/events$/;

/**
 * Starts on 127.0.0.1 and a free port; resolves with `{ port, close }`.
 * @param {{ databasePath: string }} settings
 */
export async function startBareNodeHttp({ databasePath }) {
  const events = openEventsPage(databasePath);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    let body;
    if (url.pathname === '/alive') body = alive;
    else {
      const match = eventsPath.exec(url.pathname);
      if (match !== null) {
        const { limit, startId } = pageQuery(url.searchParams);
        body = events.page(decodeURIComponent(match[1] ?? ''), startId, limit);
      }
    }
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  const port = await listen(server);
  return {
    port,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      events.close();
    },
  };
}
