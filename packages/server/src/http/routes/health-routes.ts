import type { FastifyInstance } from 'fastify';

/** Liveness probes, as upstream: `/alive` → `{"status":"ok"}`, `/health` → `"OK"`. */
export function registerHealthRoutes(server: FastifyInstance): void {
  server.get('/alive', async () => ({ status: 'ok' }));
  server.get('/health', async (_request, reply) => reply.type('application/json').send('"OK"'));
}
