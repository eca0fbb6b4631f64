import type { FastifyReply } from 'fastify';
import {
  authOptionsSchema,
  currentUserSchema,
  passwordSignInRequestSchema,
  type CurrentUser,
} from '@parley/protocol';
import { z } from 'zod';
import { sessionCookieName } from '../../auth/account-user-auth.js';
import type { Accounts, StartedSession } from '../../auth/accounts.js';
import { LoginLockedError } from '../../auth/sql-login-limiter.js';
import type { User } from '../../auth/sql-user-store.js';
import type { ApiRoutes } from './api-routes.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a signed-in user (sign-in itself, the sign-in options). */
    signInNotRequired?: boolean;
  }
}

const tags = ['auth'];

export interface AuthRoutesOptions {
  /** Undefined: the single local user, no sign-in (`PARLEY_AUTH=none`). */
  accounts: Accounts | undefined;
  /** Send the cookie with `Secure` always (an https public URL), else only over https. */
  secureCookies: boolean;
}

/**
 * Sign-in and the signed-in user: `GET /api/auth/options` and `GET /api/auth/me` always; with
 * accounts also password sign-in, sign-up, sign-out. The session lives in an HTTP-only,
 * `SameSite=Lax` cookie, `Secure` over https.
 */
export function registerAuthRoutes(routes: ApiRoutes, options: AuthRoutesOptions): void {
  const { accounts } = options;
  routes.get(
    '/api/auth/options',
    {
      config: { signInNotRequired: true },
      schema: {
        tags,
        summary: 'How this server signs people in',
        response: { 200: authOptionsSchema },
      },
    },
    async () => ({
      mode: accounts === undefined ? ('none' as const) : ('accounts' as const),
      password: accounts !== undefined,
      open_signup: accounts?.openSignup ?? false,
      oidc: accounts?.oidc !== undefined,
    }),
  );
  routes.get(
    '/api/auth/me',
    { schema: { tags, summary: 'The signed-in user', response: { 200: currentUserSchema } } },
    async (request) =>
      accounts === undefined
        ? { id: request.userId, username: null, name: null, email: null, kind: 'local' as const }
        : currentUser(await accounts.user(request.userId)),
  );
  if (accounts === undefined) return;

  const startSession = (reply: FastifyReply, session: StartedSession) => {
    void reply.setCookie(sessionCookieName, session.sessionId, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies ? true : 'auto',
      expires: session.expiresAt,
    });
    return currentUser(session.user);
  };
  routes.post(
    '/api/auth/login',
    {
      config: { signInNotRequired: true },
      schema: {
        tags,
        summary: 'Sign in with a user name and password (sets the session cookie)',
        body: passwordSignInRequestSchema,
        response: { 200: currentUserSchema },
      },
    },
    async (request, reply) => {
      try {
        const session = await accounts.signInWithPassword({ ...request.body, address: request.ip });
        return startSession(reply, session);
      } catch (error) {
        if (error instanceof LoginLockedError) {
          void reply.header('retry-after', String(error.retryAfterSeconds));
        }
        throw error;
      }
    },
  );
  routes.post(
    '/api/auth/signup',
    {
      config: { signInNotRequired: true },
      schema: {
        tags,
        summary: 'Create a local account and sign in (only with open sign-up)',
        body: passwordSignInRequestSchema,
        response: { 201: currentUserSchema },
      },
    },
    async (request, reply) => {
      const session = await accounts.signUp(request.body);
      return reply.status(201).send(startSession(reply, session));
    },
  );
  routes.post(
    '/api/auth/logout',
    {
      config: { signInNotRequired: true },
      schema: {
        tags,
        summary: 'Sign out: end the session and clear its cookie',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      // No session needed (an expired one still clears its cookie), but another site may not.
      accounts.userAuth.requireSameSite(request.headers);
      await accounts.signOut(request.headers);
      void reply.clearCookie(sessionCookieName, { path: '/' });
      return reply.status(204).send(null);
    },
  );
}

export function currentUser(user: User): CurrentUser {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    kind: user.issuer === null ? 'password' : 'oidc',
  };
}
