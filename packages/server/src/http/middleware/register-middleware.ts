import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../shared/metrics.js';
import { registerCacheControl } from './cache-control.js';
import { registerClientGone } from './client-gone.js';
import { registerCors } from './cors.js';
import { registerLingeringClose, type LingeringCloseBounds } from './lingering-close.js';
import { registerRateLimit, type RateLimitMiddlewareOptions } from './rate-limit.js';
import { registerRequestMetrics } from './request-metrics.js';
import { registerShutdownGate } from './shutdown-gate.js';

export interface MiddlewareOptions {
  /** Empty or omitted → any `localhost` / `127.0.0.1` origin. */
  permittedCorsOrigins?: readonly string[];
  /** False (accounts): an empty list allows no other origin (see `CorsOptions`). */
  corsLocalhostByDefault?: boolean;
  /** Omitted → no rate limit. */
  rateLimit?: RateLimitMiddlewareOptions;
  /** Omitted → no request metrics. */
  metrics?: Metrics;
  /** True once shutdown began: requests that could start work answer 503 from then on. */
  isShuttingDown?: () => boolean;
  /** How much of an unread body an early answer still discards; omitted → the defaults. */
  lingeringClose?: LingeringCloseBounds;
}

/**
 * The cross-cutting hooks. First every request gets its `clientGone` signal (no answer, no
 * promise: the hook only remembers the response). Then upstream's order: the rate limiter sees
 * each request first, then CORS (which answers preflights itself), then the shutdown gate (its 503
 * carries CORS headers, so a browser can read the code), then whatever the caller registers next
 * (authentication belongs after this call). Cache-Control is set on every response on the way out, an answer sent before
 * its request body was read closes the connection with a lingering close, and metrics record each
 * response once it is finished.
 */
export function registerMiddleware(server: FastifyInstance, options: MiddlewareOptions): void {
  registerClientGone(server);
  if (options.metrics !== undefined) registerRequestMetrics(server, options.metrics);
  if (options.rateLimit !== undefined) registerRateLimit(server, options.rateLimit);
  registerCors(server, {
    permittedOrigins: options.permittedCorsOrigins ?? [],
    localhostByDefault: options.corsLocalhostByDefault ?? true,
  });
  if (options.isShuttingDown !== undefined) registerShutdownGate(server, options.isShuttingDown);
  registerCacheControl(server);
  registerLingeringClose(server, options.lingeringClose);
}
