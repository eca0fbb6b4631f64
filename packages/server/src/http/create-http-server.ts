import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../shared/logger.js';
import { registerHealthRoutes } from './routes/health-routes.js';

export interface HttpServerOptions {
  logger: Logger;
  /** Largest accepted request body, in bytes (default 4 MiB). */
  bodyLimit?: number;
}

/** Builds the Fastify app (not listening). The HTTP API issue adds the `/api` routes here. */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const server = Fastify({
    loggerInstance: options.logger.child({ module: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    return503OnClosing: true,
  });
  registerHealthRoutes(server);
  return server;
}
