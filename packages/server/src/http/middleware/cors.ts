import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

export interface CorsOptions {
  /** Exactly these origins; empty → any origin on `localhost` or `127.0.0.1`, on any port. */
  permittedOrigins: readonly string[];
  /**
   * False with accounts: an empty list then allows no other origin, since a page on another
   * localhost port is same-site and its requests would carry the session cookie.
   */
  localhostByDefault?: boolean;
}

/** Every method, so preflights for JSON POST, PUT, PATCH and DELETE pass. */
const allowedMethods = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
const localHostnames = new Set(['localhost', '127.0.0.1']);

/** Upstream's `LocalhostCORSMiddleware` rule for one request origin. */
export function isOriginAllowed(
  origin: string | undefined,
  permittedOrigins: readonly string[],
  localhostByDefault = true,
): boolean {
  if (origin === undefined || origin === '') return false;
  if (permittedOrigins.length > 0 || !localhostByDefault) return permittedOrigins.includes(origin);
  try {
    return localHostnames.has(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/**
 * CORS as upstream: an allowed origin is echoed in `Access-Control-Allow-Origin` with credentials
 * allowed; a disallowed or missing origin gets no CORS headers at all and the request is served as
 * usual. Preflights (`OPTIONS` with `Access-Control-Request-Method`) are answered 204 in the
 * `onRequest` hook, before authentication, reflecting the requested headers (so
 * `X-Session-API-Key` passes).
 */
export function registerCors(server: FastifyInstance, options: CorsOptions): void {
  const permittedOrigins = [...options.permittedOrigins];
  const localhostByDefault = options.localhostByDefault ?? true;
  void server.register(cors, {
    origin: (origin, callback) =>
      callback(null, isOriginAllowed(origin, permittedOrigins, localhostByDefault)),
    credentials: true,
    methods: allowedMethods,
    // `allowedHeaders` stays unset: @fastify/cors then reflects Access-Control-Request-Headers.
    hook: 'onRequest',
  });
}
