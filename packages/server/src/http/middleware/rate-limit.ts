import type { FastifyInstance } from 'fastify';
import { delay, isAbortError } from '../../shared/abort.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';

export interface RateLimitMiddlewareOptions {
  limiter: RateLimiter;
  /** How long a request over the free limit waits before it is served (default 1000 ms). */
  delayMs?: number;
  /** Waits out a delayed request; ends early (rejecting) when `signal` fires. Tests replace it. */
  wait?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
}

/** Upstream exempts its static assets (`/assets…`, no segment boundary) from the limit. */
export function isRateLimitExempt(url: string): boolean {
  return url.startsWith('/assets');
}

export const tooManyRequestsBody = { message: 'Too many requests' } as const;

/**
 * Per-client-IP limiting as upstream's `RateLimitMiddleware`, as the first `onRequest` hook: every
 * request is counted before the decision; over twice the limit → 429 with `Retry-After: 1` (no
 * CORS headers, as upstream, where the limiter is the outermost middleware); over the limit → a
 * pause, then the request goes on. The pause ends early when the server starts closing (the request
 * is then served) or the client disconnects (`request.clientGone`; the request is dropped).
 */
export function registerRateLimit(
  server: FastifyInstance,
  options: RateLimitMiddlewareOptions,
): void {
  const { limiter } = options;
  const delayMs = options.delayMs ?? 1000;
  const wait = options.wait ?? ((milliseconds, signal) => delay(milliseconds, { signal }));
  const closing = new AbortController();
  server.addHook('preClose', async () => {
    closing.abort(new Error('the server is closing'));
  });

  server.addHook('onRequest', async (request, reply) => {
    if (isRateLimitExempt(request.url)) return;
    const decision = await limiter.check(request.ip);
    if (decision === 'allow') return;
    if (decision === 'reject') {
      return reply.code(429).header('Retry-After', '1').send(tooManyRequestsBody);
    }
    const clientGone = request.clientGone;
    // One controller per pause, fed by both causes; listeners are removed afterwards, so the
    // long-lived `closing` signal does not collect one per delayed request.
    const pause = new AbortController();
    const onClosing = (): void => pause.abort(closing.signal.reason);
    const onClientGone = (): void => pause.abort(clientGone.reason);
    if (closing.signal.aborted) onClosing();
    closing.signal.addEventListener('abort', onClosing, { once: true });
    if (clientGone.aborted) onClientGone();
    clientGone.addEventListener('abort', onClientGone, { once: true });
    try {
      await wait(delayMs, pause.signal);
    } catch (error) {
      if (!isAbortError(error)) throw error;
    } finally {
      closing.signal.removeEventListener('abort', onClosing);
      clientGone.removeEventListener('abort', onClientGone);
    }
    if (clientGone.aborted) {
      // Nobody is left to answer: stop here, without running the handler.
      reply.hijack();
      reply.raw.destroy();
    }
  });
}
