import type { FastifyInstance } from 'fastify';

/** Hashed build assets never change under the same name: cache them for 30 days. */
export const immutableCacheControl = 'public, max-age=2592000, immutable';
export const noStoreCacheControl = 'no-cache, no-store, must-revalidate, max-age=0';

/**
 * Upstream's `CacheControlMiddleware`: paths starting `/assets` are cacheable for 30 days, every
 * other response must not be cached. Runs in `onSend`, so it applies to every response (errors
 * and 404s included) and has the last word over what a route set, as upstream's does. One
 * deliberate difference: an `/assets` error (a 404 for an asset not deployed yet) is not cached.
 */
export function registerCacheControl(server: FastifyInstance): void {
  // A callback hook, not an async one: no promise per request.
  server.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/assets') && reply.statusCode < 400) {
      reply.header('Cache-Control', immutableCacheControl);
    } else {
      reply.header('Cache-Control', noStoreCacheControl);
      reply.header('Pragma', 'no-cache');
      reply.header('Expires', '0');
    }
    done(null, payload);
  });
}
