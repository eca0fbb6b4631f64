import type { FastifyInstance } from 'fastify';
import { ParleyError } from '../../shared/errors.js';
import { sessionApiKeysMatch } from '../../shared/session-api-keys-match.js';
import type { UserAuth } from '../user-auth.js';

export const sessionApiKeyHeader = 'x-session-api-key';

/**
 * Guards every `/api` route: with a session API key configured, `X-Session-API-Key` must match
 * (401 otherwise); then the auth provider names the user.
 */
export function registerApiAuth(
  server: FastifyInstance,
  options: { sessionApiKey: string | undefined; userAuth: UserAuth },
): void {
  server.decorateRequest('userId', '');
  // onRequest: before the body is parsed or validated, so a stranger gets 401 and learns nothing else.
  // A callback hook, not an async one: requests outside `/api` (probes, assets) pass without a
  // promise.
  server.addHook('onRequest', (request, _reply, done) => {
    // The matched route's pattern, not the raw URL: the router decodes `%61pi`, so a raw-URL prefix
    // check could be bypassed with a percent-encoded path.
    const path = request.routeOptions.url ?? request.url;
    if (
      (!path.startsWith('/api/') && path !== '/api') ||
      request.routeOptions.config.signInNotRequired
    ) {
      done();
      return;
    }
    if (options.sessionApiKey !== undefined) {
      const header = request.headers[sessionApiKeyHeader];
      const given = Array.isArray(header) ? header[0] : header;
      if (!sessionApiKeysMatch(options.sessionApiKey, given)) {
        done(new ParleyError('SESSION_API_KEY_INVALID', 'Invalid or missing X-Session-API-Key'));
        return;
      }
    }
    options.userAuth.userIdFor(request).then(
      (userId) => {
        request.userId = userId;
        done();
      },
      (error: unknown) => done(error as Error),
    );
  });
}
