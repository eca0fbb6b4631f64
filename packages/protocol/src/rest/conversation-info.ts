import { z } from 'zod';

/** Upstream `ConversationStatus`. */
export const conversationStatuses = [
  'STARTING',
  'RUNNING',
  'STOPPED',
  'ARCHIVED',
  'ERROR',
] as const;
export const conversationStatusSchema = z.enum(conversationStatuses);
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

/** Upstream `ConversationTrigger` values. */
export const conversationTriggers = [
  'resolver',
  'gui',
  'suggested_task',
  'openhands_api',
  'slack',
  'microagent_management',
  'jira',
  'jira_dc',
  'linear',
  'bitbucket',
] as const;
export const conversationTriggerSchema = z.enum(conversationTriggers);
export type ConversationTrigger = z.infer<typeof conversationTriggerSchema>;

/** Upstream `ConversationInfo` as returned by `GET /api/conversations[/{id}]`. */
export const conversationInfoSchema = z
  .object({
    conversation_id: z.string(),
    title: z.string(),
    last_updated_at: z.string().nullable(),
    status: conversationStatusSchema,
    runtime_status: z.string().nullable(),
    selected_repository: z.string().nullable(),
    selected_branch: z.string().nullable(),
    git_provider: z.string().nullable(),
    trigger: conversationTriggerSchema.nullable(),
    num_connections: z.number().int(),
    url: z.string().nullable(),
    session_api_key: z.string().nullable(),
    created_at: z.string(),
    pr_number: z.array(z.number().int()),
    conversation_version: z.string(),
    sub_conversation_ids: z.array(z.string()),
    /** Parley extension: the model this conversation uses and its running totals. */
    llm_model: z.string().nullable(),
    accumulated_cost: z.number(),
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  })
  .meta({ id: 'ConversationInfo' });
export type ConversationInfo = z.infer<typeof conversationInfoSchema>;

export const conversationInfoResultSetSchema = z
  .object({
    results: z.array(conversationInfoSchema),
    next_page_id: z.string().nullable(),
  })
  .meta({ id: 'ConversationInfoResultSet' });
export type ConversationInfoResultSet = z.infer<typeof conversationInfoResultSetSchema>;
