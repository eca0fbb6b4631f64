import { z } from 'zod';
import {
  conversationInfoResultSetSchema,
  conversationInfoSchema,
  conversationListQuerySchema,
  conversationResponseSchema,
  errorResponseSchema,
  initSessionRequestSchema,
  startConversationRequestSchema,
  updateConversationRequestSchema,
} from '@parley/protocol';
import type { AppConversationService } from '../../conversations/app-conversation-service.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { ApiRoutes } from './api-routes.js';
import { ParleyError } from '../../shared/errors.js';
import { toConversationInfo } from '../conversation-info.js';

const tags = ['conversations'];
export const conversationParams = z.object({ id: z.string() });

/** The conversation lifecycle routes of upstream's V0 API (reference §5.3). */
export function registerConversationRoutes(
  routes: ApiRoutes,
  service: ConversationService,
  appConversations: AppConversationService,
): void {
  const sessionKeyFor = (conversationId: string) => appConversations.sessionKeyFor(conversationId);
  routes.get(
    '/api/conversations',
    {
      schema: {
        tags,
        summary: 'List conversations, newest first',
        querystring: conversationListQuerySchema,
        response: { 200: conversationInfoResultSetSchema },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, loops } = await service.list(request.userId, {
        pageId: query.page_id,
        limit: query.limit,
        selectedRepository: query.selected_repository,
        trigger: query.conversation_trigger,
        signal: request.clientGone,
      });
      return {
        results: page.results.map((metadata, index) =>
          toConversationInfo(
            {
              metadata,
              loop: loops[index] ?? { status: 'STOPPED', runtimeStatus: null, numConnections: 0 },
            },
            sessionKeyFor,
          ),
        ),
        next_page_id: page.nextPageId,
      };
    },
  );

  routes.post(
    '/api/conversations',
    {
      schema: {
        tags,
        summary: 'Create a conversation (and start it)',
        body: initSessionRequestSchema,
        response: { 200: conversationResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      const authorization = request.headers.authorization;
      const { conversationId, status } = await service.create(request.userId, request.body, {
        viaApiKey: typeof authorization === 'string' && /^bearer\s/i.test(authorization),
        signal: request.clientGone,
      });
      return {
        status: 'ok' as const,
        conversation_id: conversationId,
        message: null,
        conversation_status: status,
      };
    },
  );

  routes.get(
    '/api/conversations/:id',
    {
      schema: {
        tags,
        summary: 'One conversation, or null when it does not exist',
        params: conversationParams,
        response: { 200: conversationInfoSchema.nullable() },
      },
    },
    async (request, reply) => {
      const view = await service.get(request.userId, request.params.id, request.clientGone);
      // Upstream answers a missing conversation with a JSON null and status 200.
      if (view === undefined) return reply.type('application/json').send(null);
      return toConversationInfo(view, sessionKeyFor);
    },
  );

  routes.post(
    '/api/conversations/:id/start',
    {
      schema: {
        tags,
        summary: 'Start the agent loop of a stopped conversation',
        params: conversationParams,
        body: startConversationRequestSchema.nullish(),
        response: {
          200: conversationResponseSchema,
          404: errorResponseSchema,
          500: errorResponseSchema,
        },
      },
      // Upstream answers start's errors as a ConversationResponse naming the conversation.
      config: {
        errors: {
          fields: (request) => ({ conversation_id: (request.params as { id: string }).id }),
          failure: {
            code: 'INTERNAL_ERROR',
            message: 'Failed to start conversation: internal error (see the server log)',
          },
        },
      },
    },
    async (request) => {
      const conversationId = request.params.id;
      const status = await service.start(request.userId, conversationId, request.clientGone);
      return {
        status: 'ok' as const,
        conversation_id: conversationId,
        message: null,
        conversation_status: status,
      };
    },
  );

  routes.post(
    '/api/conversations/:id/stop',
    { schema: { tags, summary: 'Stop the agent loop', params: conversationParams } },
    async (request) => {
      const conversationId = request.params.id;
      const { wasRunning, status } = await service.stop(
        request.userId,
        conversationId,
        request.clientGone,
      );
      return {
        status: 'ok',
        conversation_id: conversationId,
        message: wasRunning ? 'Conversation stopped successfully' : 'Conversation was not running',
        conversation_status: status,
      };
    },
  );

  routes.patch(
    '/api/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Rename a conversation (title trimmed, 1–200 characters)',
        params: conversationParams,
        body: updateConversationRequestSchema,
        response: { 200: z.literal(true), 404: errorResponseSchema },
      },
    },
    async (request) => {
      await service.rename(
        request.userId,
        request.params.id,
        request.body.title,
        request.clientGone,
      );
      return true as const;
    },
  );

  routes.delete(
    '/api/conversations/:id',
    {
      schema: {
        tags,
        summary: 'Delete a conversation and its events',
        params: conversationParams,
        response: { 200: z.boolean() },
      },
    },
    async (request) => service.delete(request.userId, request.params.id, request.clientGone),
  );

  routes.get(
    '/api/conversations/:id/config',
    { schema: { tags, summary: 'Runtime and session ids', params: conversationParams } },
    async (request) => {
      const view = await requireView(service, request);
      return { runtime_id: null, session_id: view.metadata.conversationId };
    },
  );
  routes.get(
    '/api/conversations/:id/web-hosts',
    {
      schema: { tags, summary: 'Web hosts the runtime exposes (none)', params: conversationParams },
    },
    async (request) => {
      await requireView(service, request);
      return { hosts: {} };
    },
  );
  routes.get(
    '/api/conversations/:id/vscode-url',
    { schema: { tags, summary: 'VS Code URL of the runtime (none)', params: conversationParams } },
    async (request) => {
      await requireView(service, request);
      return { vscode_url: null };
    },
  );
}

/** The part of a `/api/conversations/:id/…` request that names the conversation and its caller. */
interface ConversationRequest {
  userId: string;
  params: { id: string };
  clientGone: AbortSignal;
}

async function requireView(service: ConversationService, request: ConversationRequest) {
  const view = await service.get(request.userId, request.params.id, request.clientGone);
  if (view === undefined) {
    throw new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
  }
  return view;
}
