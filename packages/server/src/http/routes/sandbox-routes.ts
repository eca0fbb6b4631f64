import { z } from 'zod';
import {
  errorResponseSchema,
  sandboxIdsQuerySchema,
  sandboxInfoSchema,
  successResponseSchema,
} from '@parley/protocol';
import type { AppConversationService } from '../../conversations/app-conversation-service.js';
import { ParleyError } from '../../shared/errors.js';
import type { ApiRoutes } from './api-routes.js';

const tags = ['v1 sandboxes'];
const sandboxParams = z.object({ id: z.string() });

/**
 * Upstream's V1 sandboxes (`/api/v1/sandboxes`). Each conversation is its own sandbox (same id):
 * pause stops its agent loop and resume starts it, which is what the stock web UI's Stop and
 * Start buttons of a V1 conversation call. A sandbox that is not the caller's is 404, as a
 * missing one.
 */
export function registerSandboxRoutes(routes: ApiRoutes, service: AppConversationService): void {
  routes.get(
    '/api/v1/sandboxes',
    {
      schema: {
        tags,
        summary: 'Sandboxes by id (null for each missing one; no ids: none)',
        description:
          'The stock web UI asks with the runtime id of /config, even for V0 conversations.',
        querystring: sandboxIdsQuerySchema,
        response: { 200: z.array(sandboxInfoSchema.nullable()) },
      },
    },
    async (request) =>
      service.sandboxes(request.userId, request.query.id ?? [], request.clientGone),
  );

  for (const verb of ['pause', 'resume'] as const) {
    routes.post(
      `/api/v1/sandboxes/:id/${verb}`,
      {
        schema: {
          tags,
          summary:
            verb === 'pause'
              ? "Pause a sandbox: its conversation's agent loop stops"
              : "Resume a sandbox: its conversation's agent loop starts",
          params: sandboxParams,
          response: { 200: successResponseSchema, 404: errorResponseSchema },
        },
      },
      async (request) => {
        const found =
          verb === 'pause'
            ? await service.pauseSandbox(request.userId, request.params.id, request.clientGone)
            : await service.resumeSandbox(request.userId, request.params.id, request.clientGone);
        if (!found) throw new ParleyError('CONVERSATION_NOT_FOUND', 'Sandbox not found');
        return { success: true };
      },
    );
  }
}
