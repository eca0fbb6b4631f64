import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ParleyError } from '../shared/errors.js';
import { jsonNestsDeeperThan, maximumJsonDepth } from '../shared/json-depth.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { lazyRequestLoggerFactory } from './lazy-request-logger.js';
import { registerMiddleware, type MiddlewareOptions } from './middleware/register-middleware.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerServerInfoRoutes } from './routes/server-info-routes.js';
import { registerWebClientRoutes } from './routes/web-client-routes.js';

export interface HttpServerOptions extends MiddlewareOptions {
  logger: Logger;
  /** Served at `/metrics` and fed by the request-metrics hook; omitted → no `/metrics`. */
  metrics?: Metrics;
  /** Reported by `/server_info` (disk usage); omitted → `disk: null`. */
  dataDirectory?: string;
  /** The built web client, served at `/` when it holds an `index.html`. */
  webClientDirectory?: string;
  /** Largest accepted request body, in bytes (default 4 MiB). */
  bodyLimit?: number;
}

/**
 * Builds the Fastify app (not listening): middleware and the routes outside `/api`; `registerApi`
 * adds the API.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const server = Fastify({
    loggerInstance: options.logger.child({ module: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // `request.log` (with `{ reqId }`) is built when a request first logs, not for every request.
    childLoggerFactory: lazyRequestLoggerFactory,
    bodyLimit: options.bodyLimit ?? 4 * 1024 * 1024,
    return503OnClosing: true,
    // find-my-way answers 414 for a path parameter over 100 characters (its default); the routes
    // validate ids themselves, so an over-long conversation id gets upstream's 400 instead.
    routerOptions: { maxParamLength: 16 * 1024 },
  });

  // JSON bodies: refused when nested deeper than any real payload, before they are parsed.
  const parseJson = server.getDefaultJsonParser('error', 'error');
  server.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestsDeeperThan(text, maximumJsonDepth)) {
      done(
        new ParleyError(
          'REQUEST_MALFORMED',
          `The request body nests JSON deeper than ${maximumJsonDepth} levels`,
        ),
        undefined,
      );
      return;
    }
    parseJson(request, text, done);
  });

  // Middleware, metrics, server info, web client. The hooks run in registration order, so this
  // block comes first: rate limit → CORS → (authentication, registered after it).
  registerMiddleware(server, options);
  registerServerInfoRoutes(server, { dataDirectory: options.dataDirectory });
  if (options.metrics !== undefined) registerMetricsRoutes(server, options.metrics);
  if (options.webClientDirectory !== undefined) {
    registerWebClientRoutes(server, { directory: options.webClientDirectory });
  }

  registerHealthRoutes(server);
  return server;
}
