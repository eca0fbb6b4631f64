import { z } from 'zod';
import {
  createSecretRequestSchema,
  messageResponseSchema,
  secretListSchema,
  simpleErrorSchema,
  updateSecretRequestSchema,
} from '@parley/protocol';
import type { SecretsStore } from '../../settings/secrets-store.js';
import type { ApiRoutes } from './api-routes.js';

const tags = ['secrets'];
const secretParams = z.object({ id: z.string().min(1).max(200) });

/** Custom secrets: `GET/POST /api/secrets`, `PUT/DELETE /api/secrets/{id}`. Values are write-only. */
export function registerSecretsRoutes(routes: ApiRoutes, options: { secrets: SecretsStore }): void {
  routes.get(
    '/api/secrets',
    {
      schema: {
        tags,
        summary: 'Names and descriptions of custom secrets',
        response: { 200: secretListSchema },
      },
    },
    async (request) => ({
      custom_secrets: await options.secrets.list(request.userId, { signal: request.clientGone }),
    }),
  );
  routes.post(
    '/api/secrets',
    {
      schema: {
        tags,
        summary: 'Create a custom secret',
        body: createSecretRequestSchema,
        response: { 201: messageResponseSchema, 400: messageResponseSchema },
      },
    },
    async (request, reply) => {
      // A taken name is SECRET_ALREADY_EXISTS: 400 `{message}`, as upstream (the code table).
      await options.secrets.create(request.userId, request.body, { signal: request.clientGone });
      return reply.status(201).send({ message: 'Secret created successfully' });
    },
  );
  routes.put(
    '/api/secrets/:id',
    {
      schema: {
        tags,
        summary: 'Rename or re-describe a custom secret, optionally replacing its value',
        params: secretParams,
        body: updateSecretRequestSchema,
        response: {
          200: messageResponseSchema,
          400: messageResponseSchema,
          404: simpleErrorSchema,
        },
      },
    },
    async (request) => {
      // SECRET_NOT_FOUND answers 404 `{error}`, SECRET_ALREADY_EXISTS 400 `{message}`.
      await options.secrets.update(request.userId, request.params.id, request.body, {
        signal: request.clientGone,
      });
      return { message: 'Secret updated successfully' };
    },
  );
  routes.delete(
    '/api/secrets/:id',
    {
      schema: {
        tags,
        summary: 'Delete a custom secret',
        params: secretParams,
        response: { 200: messageResponseSchema, 404: simpleErrorSchema },
      },
    },
    async (request) => {
      await options.secrets.delete(request.userId, request.params.id, {
        signal: request.clientGone,
      });
      return { message: 'Secret deleted successfully' };
    },
  );
}
