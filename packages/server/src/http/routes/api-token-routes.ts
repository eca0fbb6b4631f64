import {
  apiTokenListSchema,
  createApiTokenRequestSchema,
  createdApiTokenSchema,
} from '@parley/protocol';
import { z } from 'zod';
import type { Accounts } from '../../auth/accounts.js';
import type { ApiTokenSummary } from '../../auth/sql-api-token-store.js';
import type { ApiRoutes } from './api-routes.js';

const tags = ['auth'];

/**
 * Personal API tokens (accounts mode): `GET/POST /api/auth/tokens`, `DELETE /api/auth/tokens/{id}`.
 * The token is in the creation answer only; revoking one closes the user's live sockets.
 */
export function registerApiTokenRoutes(routes: ApiRoutes, accounts: Accounts): void {
  routes.get(
    '/api/auth/tokens',
    {
      schema: {
        tags,
        summary: 'Your API tokens (never the secrets)',
        response: { 200: apiTokenListSchema },
      },
    },
    async (request) => ({ tokens: (await accounts.listTokens(request.userId)).map(wire) }),
  );
  routes.post(
    '/api/auth/tokens',
    {
      schema: {
        tags,
        summary: 'Create an API token; the answer is the only time it is shown',
        body: createApiTokenRequestSchema,
        response: { 201: createdApiTokenSchema },
      },
    },
    async (request, reply) => {
      const created = await accounts.createToken(request.userId, request.body.name);
      return reply.status(201).send({ ...wire(created), token: created.token });
    },
  );
  routes.delete(
    '/api/auth/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API token',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await accounts.revokeToken(request.userId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}

function wire(token: ApiTokenSummary) {
  return {
    id: token.id,
    name: token.name,
    created_at: token.createdAt,
    last_used_at: token.lastUsedAt,
  };
}
