import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../shared/metrics.js';
import { registerCacheControl } from './cache-control.js';
import { registerCors } from './cors.js';
import { registerRateLimit, type RateLimitMiddlewareOptions } from './rate-limit.js';
import { registerRequestMetrics } from './request-metrics.js';
import { registerShutdownGate } from './shutdown-gate.js';

export interface MiddlewareOptions {
  /** Empty or omitted → any `localhost` / `127.0.0.1` origin. */
  permittedCorsOrigins?: readonly string[];
  /** Omitted → no rate limit. */
  rateLimit?: RateLimitMiddlewareOptions;
  /** Omitted → no request metrics. */
  metrics?: Metrics;
  /** True once shutdown began: requests that could start work answer 503 from then on. */
  isShuttingDown?: () => boolean;
}

/**
 * The cross-cutting hooks, in upstream's order: the rate limiter sees each request first, then
 * CORS (which answers preflights itself), then the shutdown gate (its 503 carries CORS headers, so
 * a browser can read the code), then whatever the caller registers next (authentication belongs
 * after this call). Cache-Control is set on every response on the way out, and metrics
 * record each response once it is finished.
 */
export function registerMiddleware(server: FastifyInstance, options: MiddlewareOptions): void {
  if (options.metrics !== undefined) registerRequestMetrics(server, options.metrics);
  if (options.rateLimit !== undefined) registerRateLimit(server, options.rateLimit);
  registerCors(server, { permittedOrigins: options.permittedCorsOrigins ?? [] });
  if (options.isShuttingDown !== undefined) registerShutdownGate(server, options.isShuttingDown);
  registerCacheControl(server);
}
