import { z } from 'zod';
import {
  addMessageRequestSchema,
  confirmationResponseRequestSchema,
  eventPageQuerySchema,
  eventPageSchema,
  v1UserMessageAction,
  v1UserMessageFrameSchema,
} from '@parley/protocol';
import { respondToConfirmation } from '../../conversations/confirmation-response.js';
import type { ConversationService } from '../../conversations/conversation-service.js';
import type { ApiRoutes } from './api-routes.js';
import { ParleyError } from '../../shared/errors.js';
import { conversationParams } from './conversation-routes.js';

/**
 * The V0 action dict a `POST …/events` body stands for: a V1 `SendMessageRequest` (a `role`, no
 * `action`) becomes the user's `message` action; anything else is passed on to be validated as
 * a V0 action. A V1 body that is not a user message is refused with 422 and its reason.
 */
function v0ActionFor(body: Record<string, unknown>): Record<string, unknown> {
  if (!('role' in body) || 'action' in body) return body;
  const parsed = v1UserMessageFrameSchema.safeParse(body);
  if (!parsed.success) {
    throw new ParleyError(
      'REQUEST_INVALID',
      `Invalid SendMessageRequest: ${parsed.error.issues[0]?.message ?? 'not a user message'}`,
    );
  }
  return { ...v1UserMessageAction(parsed.data) };
}

const tags = ['events'];
const successSchema = z.object({ success: z.boolean(), error: z.string().optional() });

/** Reading a conversation's events and handing it client events and messages. */
export function registerConversationEventRoutes(
  routes: ApiRoutes,
  service: ConversationService,
): void {
  routes.get(
    '/api/conversations/:id/events',
    {
      schema: {
        tags,
        summary: 'A page of events by id range (limit 1–100)',
        params: conversationParams,
        querystring: eventPageQuerySchema,
        response: { 200: eventPageSchema },
      },
    },
    async (request) => {
      const query = request.query;
      if (query.limit < 1 || query.limit > 100) {
        throw new ParleyError('EVENT_FILTER_INVALID', 'Invalid limit');
      }
      const page = await service.events(request.userId, request.params.id, {
        startId: query.start_id,
        endId: query.end_id,
        reverse: query.reverse,
        limit: query.limit,
        signal: request.clientGone,
      });
      return { events: page.events, has_more: page.hasMore };
    },
  );

  routes.post(
    '/api/conversations/:id/events',
    {
      schema: {
        tags,
        summary: 'Send a raw action event dict (or a V1 SendMessageRequest) to the conversation',
        description:
          'A body with `role` and no `action` is the V1 agent-server’s SendMessageRequest ' +
          '({role: "user", content: [{type: "text", text}], run?}): it is logged as the user’s ' +
          'message, as the V1 socket logs one.',
        params: conversationParams,
        body: z.record(z.string(), z.unknown()),
        response: { 200: successSchema },
      },
    },
    async (request) => {
      await service.dispatchEvent(
        request.userId,
        request.params.id,
        v0ActionFor(request.body),
        request.clientGone,
      );
      return { success: true };
    },
  );

  routes.post(
    '/api/conversations/:id/events/respond_to_confirmation',
    {
      schema: {
        tags,
        summary: 'Run (accept) or reject the action waiting for confirmation',
        description:
          'The V1 agent-server route: hands the conversation a change_agent_state action ' +
          '(user_confirmed, or user_rejected with the reason). 409 AGENT_NOT_AWAITING_CONFIRMATION ' +
          'when no action waits for confirmation.',
        params: conversationParams,
        body: confirmationResponseRequestSchema,
        response: { 200: successSchema },
      },
    },
    async (request) => {
      await respondToConfirmation(
        service,
        request.userId,
        request.params.id,
        request.body,
        request.clientGone,
      );
      return { success: true };
    },
  );

  routes.post(
    '/api/conversations/:id/message',
    {
      schema: {
        tags,
        summary: 'Send a user message to the conversation',
        params: conversationParams,
        body: addMessageRequestSchema,
        response: { 200: successSchema, 500: successSchema },
      },
      // Upstream's `{success: false, error}` for a failure on the server side; client errors and
      // the shutdown refusal keep their code.
      config: {
        errors: {
          failure: {
            code: 'MESSAGE_NOT_ADDED',
            message: 'Error adding message to conversation: internal error (see the server log)',
          },
        },
      },
    },
    async (request) => {
      await service.sendMessage(
        request.userId,
        request.params.id,
        request.body.message,
        request.clientGone,
      );
      return { success: true };
    },
  );
}
