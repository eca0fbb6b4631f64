import { z } from 'zod';
import { conversationStatusSchema } from './conversation-info.js';
import { storableString, storableText } from './storable-text.js';

const optionalText = z.string().nullable().optional();
/** Stored in a column of the conversation's row. */
const optionalStoredText = storableString().nullable().optional();

/** Upstream `InitSessionRequest` body of `POST /api/conversations`; unknown keys are refused. */
export const initSessionRequestSchema = z
  .strictObject({
    repository: optionalStoredText,
    git_provider: optionalStoredText,
    selected_branch: optionalStoredText,
    initial_user_msg: optionalText,
    image_urls: z.array(z.string()).nullable().optional(),
    replay_json: optionalText,
    suggested_task: z.record(z.string(), z.unknown()).nullable().optional(),
    create_microagent: z.record(z.string(), z.unknown()).nullable().optional(),
    conversation_instructions: optionalText,
    mcp_config: z.record(z.string(), z.unknown()).nullable().optional(),
    /** Honoured only when the server allows clients to choose ids. */
    conversation_id: optionalText,
  })
  .meta({ id: 'InitSessionRequest' });
export type InitSessionRequest = z.infer<typeof initSessionRequestSchema>;

/** Response of create and start. */
export const conversationResponseSchema = z
  .object({
    status: z.literal('ok'),
    conversation_id: z.string(),
    message: z.string().nullable(),
    conversation_status: conversationStatusSchema.nullable(),
  })
  .meta({ id: 'ConversationResponse' });
export type ConversationResponse = z.infer<typeof conversationResponseSchema>;

export const startConversationRequestSchema = z
  .object({ providers_set: z.array(z.string()).nullable().optional() })
  .meta({ id: 'StartConversationRequest' });

/**
 * `PATCH /api/conversations/{id}`: the title is trimmed, then must be 1–200 characters without
 * U+0000 or lone surrogates.
 */
export const updateConversationRequestSchema = z
  .strictObject({ title: storableText(z.string().trim().min(1).max(200)) })
  .meta({ id: 'UpdateConversationRequest' });
export type UpdateConversationRequest = z.infer<typeof updateConversationRequestSchema>;

export const addMessageRequestSchema = z
  .object({ message: z.string() })
  .meta({ id: 'AddMessageRequest' });

/**
 * `POST /api/conversations/{id}/events/respond_to_confirmation` (the V1 agent-server's
 * `ConfirmationResponseRequest`): run the action waiting for confirmation, or reject it with a reason.
 * Unknown keys are ignored, as upstream's model ignores them.
 */
export const confirmationResponseRequestSchema = z
  .object({
    accept: z.boolean(),
    /** Why the action is rejected; ignored when it is accepted. */
    reason: z.string().optional(),
  })
  .meta({ id: 'ConfirmationResponseRequest' });
export type ConfirmationResponseRequest = z.infer<typeof confirmationResponseRequestSchema>;

/** `GET /api/conversations/{id}/events` query; `limit` is range-checked by the route (400 "Invalid limit"). */
export const eventPageQuerySchema = z.object({
  start_id: z.coerce.number().int().min(0).default(0),
  end_id: z.coerce.number().int().min(0).optional(),
  reverse: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((value) => value === 'true' || value === '1'),
  limit: z.coerce.number().int().default(20),
});

export const eventPageSchema = z
  .object({
    events: z.array(z.record(z.string(), z.unknown())),
    has_more: z.boolean(),
  })
  .meta({ id: 'EventPage' });

export const conversationListQuerySchema = z.object({
  page_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  selected_repository: storableString().optional(),
  conversation_trigger: storableString().optional(),
  include_sub_conversations: z.string().optional(),
});
