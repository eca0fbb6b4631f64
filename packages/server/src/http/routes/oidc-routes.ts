import { z } from 'zod';
import { sessionCookieName } from '../../auth/account-user-auth.js';
import type { Accounts } from '../../auth/accounts.js';
import type { OidcFlow, OidcSignIn } from '../../auth/oidc-sign-in.js';
import type { ApiRoutes } from './api-routes.js';

const tags = ['auth'];
const flowCookieName = 'parley_oidc_flow';
const flowCookiePath = '/api/auth/oidc';
/** A sign-in at the provider must come back within this many seconds. */
const flowMaxAgeSeconds = 600;

const flowSchema = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() });

/**
 * OpenID Connect sign-in: `GET /api/auth/oidc/start` sends the browser to the provider with a
 * fresh state, nonce and PKCE challenge (kept in a short-lived HTTP-only cookie);
 * `GET /api/auth/oidc/callback` checks them, starts a session and sends the browser home.
 */
export function registerOidcRoutes(
  routes: ApiRoutes,
  options: { accounts: Accounts; oidc: OidcSignIn; secureCookies: boolean },
): void {
  const { accounts, oidc } = options;
  const secure = options.secureCookies ? true : ('auto' as const);
  routes.get(
    '/api/auth/oidc/start',
    {
      config: { signInNotRequired: true },
      schema: { tags, summary: 'Sign in with the OpenID provider' },
    },
    async (_request, reply) => {
      const { url, flow } = await oidc.begin();
      void reply.setCookie(
        flowCookieName,
        Buffer.from(JSON.stringify(flow)).toString('base64url'),
        {
          path: flowCookiePath,
          httpOnly: true,
          sameSite: 'lax',
          secure,
          maxAge: flowMaxAgeSeconds,
        },
      );
      return reply.redirect(url, 302);
    },
  );
  routes.get(
    '/api/auth/oidc/callback',
    {
      config: { signInNotRequired: true },
      schema: { tags, summary: "The provider's redirect back after sign-in" },
    },
    async (request, reply) => {
      const flow = readFlow(request.cookies[flowCookieName]);
      // The flow is single-use whatever happens next.
      void reply.clearCookie(flowCookieName, { path: flowCookiePath });
      const query = new URL(request.url, 'http://callback.invalid').search;
      const user = await oidc.finish(query, flow);
      const session = await accounts.startSession(user);
      void reply.setCookie(sessionCookieName, session.sessionId, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        expires: session.expiresAt,
      });
      return reply.redirect('/', 302);
    },
  );
}

function readFlow(cookie: string | undefined): OidcFlow | undefined {
  if (cookie === undefined) return undefined;
  try {
    const parsed = flowSchema.safeParse(JSON.parse(Buffer.from(cookie, 'base64url').toString()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
