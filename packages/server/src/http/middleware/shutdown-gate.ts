import type { FastifyInstance } from 'fastify';
import { errorBody } from '../error-handler.js';

/** Methods that only read: still served while the server shuts down, until HTTP itself closes. */
const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Fastify's `return503OnClosing`, from the moment shutdown begins rather than only once HTTP
 * closes (its last step): every request that could start work (any method but GET, HEAD and
 * OPTIONS) is answered 503 `SERVER_SHUTTING_DOWN` with `Connection: close`, so the client retries
 * against the next server. Requests already past this hook meet the same refusal in the
 * conversation manager.
 */
export function registerShutdownGate(server: FastifyInstance, isShuttingDown: () => boolean): void {
  server.addHook('onRequest', async (request, reply) => {
    if (readMethods.has(request.method) || !isShuttingDown()) return;
    return reply
      .code(503)
      .header('connection', 'close')
      .send(
        errorBody(
          'SERVER_SHUTTING_DOWN',
          'The server is shutting down; send this again once it is back',
        ),
      );
  });
}
