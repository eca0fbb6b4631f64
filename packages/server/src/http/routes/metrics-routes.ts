import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../shared/metrics.js';

/** `GET /metrics`: every metric in the Prometheus text exposition format. */
export function registerMetricsRoutes(server: FastifyInstance, metrics: Metrics): void {
  server.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
