import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../shared/metrics.js';

/** The route label of requests that matched no route, so unknown URLs cannot grow the label set. */
export const unmatchedRoute = 'unmatched';

/** Records every finished request's latency under its route pattern, method and status. */
export function registerRequestMetrics(server: FastifyInstance, metrics: Metrics): void {
  // A callback hook, not an async one: no promise per request.
  server.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttpRequest(
      {
        method: request.method,
        route: request.routeOptions.url ?? unmatchedRoute,
        statusCode: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
