import { z } from 'zod';
import { mcpConfigSchema } from './mcp-config.js';
import { storableString } from './storable-text.js';

/**
 * Settings fields a client may write (upstream `Settings`); the three API keys are write-only.
 * Strings may hold no U+0000 or lone surrogate: the model name lands in a conversation's row.
 */
export const settingsFieldsSchema = z.object({
  language: storableString().nullable().optional(),
  agent: storableString().nullable().optional(),
  max_iterations: z.number().int().positive().nullable().optional(),
  security_analyzer: storableString().nullable().optional(),
  confirmation_mode: z.boolean().nullable().optional(),
  llm_model: storableString().nullable().optional(),
  llm_api_key: storableString().nullable().optional(),
  llm_base_url: storableString().nullable().optional(),
  remote_runtime_resource_factor: z.number().int().nullable().optional(),
  enable_default_condenser: z.boolean().optional(),
  enable_sound_notifications: z.boolean().optional(),
  enable_proactive_conversation_starters: z.boolean().optional(),
  enable_solvability_analysis: z.boolean().optional(),
  user_consents_to_analytics: z.boolean().nullable().optional(),
  sandbox_base_container_image: storableString().nullable().optional(),
  sandbox_runtime_container_image: storableString().nullable().optional(),
  mcp_config: mcpConfigSchema.nullable().optional(),
  search_api_key: storableString().nullable().optional(),
  sandbox_api_key: storableString().nullable().optional(),
  max_budget_per_task: z.number().nonnegative().nullable().optional(),
  condenser_max_size: z.number().int().min(20).nullable().optional(),
  email: storableString().nullable().optional(),
  email_verified: z.boolean().nullable().optional(),
  git_user_name: storableString().nullable().optional(),
  git_user_email: storableString().nullable().optional(),
});

/** Body of `POST /api/settings`: a partial update; unknown keys (such as `provider_tokens_set`) are ignored. */
export const settingsUpdateSchema = settingsFieldsSchema.meta({ id: 'SettingsUpdate' });
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

/** The names of the settings fields that hold secrets. */
export const secretSettingsFields = ['llm_api_key', 'search_api_key', 'sandbox_api_key'] as const;
export type SecretSettingsField = (typeof secretSettingsFields)[number];

/** Response of `GET /api/settings`: keys are always null; `*_set` says whether one is stored. */
export const settingsResponseSchema = z
  .object({
    language: z.string().nullable(),
    agent: z.string().nullable(),
    max_iterations: z.number().int().nullable(),
    security_analyzer: z.string().nullable(),
    confirmation_mode: z.boolean(),
    llm_model: z.string().nullable(),
    llm_api_key: z.null(),
    llm_base_url: z.string().nullable(),
    remote_runtime_resource_factor: z.number().int().nullable(),
    enable_default_condenser: z.boolean(),
    enable_sound_notifications: z.boolean(),
    enable_proactive_conversation_starters: z.boolean(),
    enable_solvability_analysis: z.boolean(),
    user_consents_to_analytics: z.boolean(),
    sandbox_base_container_image: z.string().nullable(),
    sandbox_runtime_container_image: z.string().nullable(),
    mcp_config: z.record(z.string(), z.unknown()).nullable(),
    search_api_key: z.null(),
    sandbox_api_key: z.null(),
    max_budget_per_task: z.number().nullable(),
    condenser_max_size: z.number().int().nullable(),
    email: z.string().nullable(),
    email_verified: z.boolean().nullable(),
    git_user_name: z.string().nullable(),
    git_user_email: z.string().nullable(),
    llm_api_key_set: z.boolean(),
    search_api_key_set: z.boolean(),
    provider_tokens_set: z.record(z.string(), z.string().nullable()),
  })
  .meta({ id: 'SettingsResponse' });
export type SettingsResponse = z.infer<typeof settingsResponseSchema>;
