import { z } from 'zod';
import { v1ExecutionStatusSchema } from '../v1/v1-execution-status.js';
import { v1InboundContentSchema } from '../v1/v1-client-frames.js';
import { v1TimestampQuerySchema } from '../v1/v1-event-queries.js';
import { conversationTriggerSchema } from './conversation-info.js';
import { storableString, storableText } from './storable-text.js';

// Upstream's V1 app-server models (`openhands/app_server/app_conversation/app_conversation_models.py`
// and `sandbox/sandbox_models.py`) as the stock web UI sends and reads them.

const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * A UUID as FastAPI takes it (hex, with or without dashes), read as Parley spells conversation
 * ids: 32 lowercase hex digits.
 */
export const uuidHexSchema = z
  .string()
  .regex(uuidPattern, 'must be a valid UUID')
  .transform((value) => value.replaceAll('-', '').toLowerCase());

/** A repeatable query parameter (`?ids=a&ids=b`): one value arrives as a string, several as an array. */
function repeated<Item extends z.ZodType>(item: Item) {
  return z.preprocess(
    (value) => (value === undefined || Array.isArray(value) ? value : [value]),
    z.array(item),
  );
}

/** `GET /api/v1/app-conversations?ids=…` and `/start-tasks?ids=…`: 1–99 UUIDs (upstream asserts < 100). */
export const appConversationIdsQuerySchema = z.object({
  ids: repeated(uuidHexSchema).pipe(z.array(z.string()).min(1).max(99)),
});

/** The sdk's `SendMessageRequest` as the start request's `initial_message`. */
export const appConversationInitialMessageSchema = z.object({
  role: z.enum(['user', 'system', 'assistant', 'tool']).default('user'),
  content: z.array(v1InboundContentSchema),
  run: z.boolean().optional(),
});

const optionalStoredText = storableString().nullable().optional();

/** Upstream `AppConversationStartRequest`; unknown keys are ignored, as pydantic's default. */
export const appConversationStartRequestSchema = z
  .object({
    sandbox_id: z.string().nullable().optional(),
    initial_message: appConversationInitialMessageSchema.nullable().optional(),
    processors: z.array(z.unknown()).nullable().optional(),
    llm_model: optionalStoredText,
    selected_repository: optionalStoredText,
    selected_branch: optionalStoredText,
    git_provider: optionalStoredText,
    title: storableText(z.string().max(200)).nullable().optional(),
    trigger: conversationTriggerSchema.nullable().optional(),
    pr_number: z.array(z.number().int()).default([]),
    parent_conversation_id: uuidHexSchema.nullable().optional(),
    agent_type: z.enum(['default', 'plan']).default('default'),
  })
  .meta({ id: 'AppConversationStartRequest' });
export type AppConversationStartRequest = z.output<typeof appConversationStartRequestSchema>;

export const appConversationStartTaskStatuses = [
  'WORKING',
  'WAITING_FOR_SANDBOX',
  'PREPARING_REPOSITORY',
  'RUNNING_SETUP_SCRIPT',
  'SETTING_UP_GIT_HOOKS',
  'STARTING_CONVERSATION',
  'READY',
  'ERROR',
] as const;

/** Upstream `AppConversationStartTask`. */
export const appConversationStartTaskSchema = z
  .object({
    id: z.string(),
    created_by_user_id: z.string().nullable(),
    status: z.enum(appConversationStartTaskStatuses),
    detail: z.string().nullable(),
    app_conversation_id: z.string().nullable(),
    sandbox_id: z.string().nullable(),
    agent_server_url: z.string().nullable(),
    request: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'AppConversationStartTask' });
export type AppConversationStartTask = z.output<typeof appConversationStartTaskSchema>;

export const appConversationStartTaskPageSchema = z
  .object({
    items: z.array(appConversationStartTaskSchema),
    next_page_id: z.string().nullable(),
  })
  .meta({ id: 'AppConversationStartTaskPage' });

/** Upstream `SandboxStatus`. */
export const sandboxStatuses = ['STARTING', 'RUNNING', 'PAUSED', 'ERROR', 'MISSING'] as const;
export const sandboxStatusSchema = z.enum(sandboxStatuses);
export type SandboxStatus = z.output<typeof sandboxStatusSchema>;

/** Upstream `AppConversation` (an `AppConversationInfo` with its sandbox's live state). */
export const appConversationSchema = z
  .object({
    id: z.string(),
    created_by_user_id: z.string().nullable(),
    sandbox_id: z.string(),
    selected_repository: z.string().nullable(),
    selected_branch: z.string().nullable(),
    git_provider: z.string().nullable(),
    title: z.string().nullable(),
    trigger: conversationTriggerSchema.nullable(),
    pr_number: z.array(z.number().int()),
    llm_model: z.string().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    parent_conversation_id: z.string().nullable(),
    sub_conversation_ids: z.array(z.string()),
    created_at: z.string(),
    updated_at: z.string(),
    sandbox_status: sandboxStatusSchema,
    execution_status: v1ExecutionStatusSchema.nullable(),
    conversation_url: z.string().nullable(),
    session_api_key: z.string().nullable(),
  })
  .meta({ id: 'AppConversation' });
export type AppConversation = z.output<typeof appConversationSchema>;

export const appConversationPageSchema = z
  .object({ items: z.array(appConversationSchema), next_page_id: z.string().nullable() })
  .meta({ id: 'AppConversationPage' });

/** A boolean query flag as FastAPI reads one. */
const queryBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

/** `GET /api/v1/app-conversations/count`. */
export const appConversationCountQuerySchema = z.object({
  title__contains: storableString().optional(),
  created_at__gte: v1TimestampQuerySchema.optional(),
  created_at__lt: v1TimestampQuerySchema.optional(),
  updated_at__gte: v1TimestampQuerySchema.optional(),
  updated_at__lt: v1TimestampQuerySchema.optional(),
});
export type AppConversationCountQuery = z.output<typeof appConversationCountQuerySchema>;

/** `GET /api/v1/app-conversations/search`. */
export const appConversationSearchQuerySchema = appConversationCountQuerySchema.extend({
  page_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  include_sub_conversations: queryBoolean.default(false),
});
export type AppConversationSearchQuery = z.output<typeof appConversationSearchQuerySchema>;

/** `GET /api/v1/app-conversations/start-tasks/count`. */
export const appConversationStartTaskCountQuerySchema = z.object({
  conversation_id__eq: uuidHexSchema.optional(),
  created_at__gte: v1TimestampQuerySchema.optional(),
});
export type AppConversationStartTaskCountQuery = z.output<
  typeof appConversationStartTaskCountQuerySchema
>;

/** `GET /api/v1/app-conversations/start-tasks/search`. */
export const appConversationStartTaskSearchQuerySchema =
  appConversationStartTaskCountQuerySchema.extend({
    sort_order: z
      .enum(['CREATED_AT', 'CREATED_AT_DESC', 'UPDATED_AT', 'UPDATED_AT_DESC'])
      .default('CREATED_AT_DESC'),
    page_id: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(100),
  });
export type AppConversationStartTaskSearchQuery = z.output<
  typeof appConversationStartTaskSearchQuerySchema
>;

/** Upstream `SandboxInfo`. */
export const sandboxInfoSchema = z
  .object({
    id: z.string(),
    created_by_user_id: z.string().nullable(),
    sandbox_spec_id: z.string(),
    status: sandboxStatusSchema,
    session_api_key: z.string().nullable(),
    exposed_urls: z.array(z.object({ name: z.string(), url: z.string() })).nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'SandboxInfo' });
export type SandboxInfo = z.output<typeof sandboxInfoSchema>;

/** `GET /api/v1/sandboxes?id=…` (any sandbox ids; none is no sandbox). */
export const sandboxIdsQuerySchema = z.object({
  id: repeated(z.string().max(100)).pipe(z.array(z.string()).max(99)).optional(),
});

/** Upstream's V1 git change statuses (the agent-server's `GitChangeStatus`). */
export const v1GitChangeSchema = z.object({
  status: z.enum(['MOVED', 'ADDED', 'DELETED', 'UPDATED']),
  path: z.string(),
});

/** The agent-server's `{success}` answer of pause, run and the sandbox calls. */
export const successResponseSchema = z.object({ success: z.boolean() });
