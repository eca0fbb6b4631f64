import {
  messageResponseSchema,
  settingsResponseSchema,
  settingsUpdateSchema,
  simpleErrorSchema,
  type SettingsResponse,
} from '@parley/protocol';
import type { SettingsStore, StoredSettings } from '../../settings/settings-store.js';
import { hideBaseUrlPassword } from '../../settings/base-url-password.js';
import type { ApiRoutes } from './api-routes.js';

const tags = ['settings'];

/** `GET/POST /api/settings`: per-user settings; API keys are write-only. */
export function registerSettingsRoutes(
  routes: ApiRoutes,
  options: { settings: SettingsStore; defaultModel: string },
): void {
  routes.get(
    '/api/settings',
    {
      schema: {
        tags,
        summary: "The user's settings (keys masked)",
        response: { 200: settingsResponseSchema, 404: simpleErrorSchema },
      },
    },
    async (request, reply) => {
      const stored = await options.settings.load(request.userId, { signal: request.clientGone });
      if (stored === undefined) return reply.status(404).send({ error: 'Settings not found' });
      return settingsResponse(stored, options.defaultModel);
    },
  );
  routes.post(
    '/api/settings',
    {
      schema: {
        tags,
        summary: 'Store settings (partial update; omitted keys keep their stored value)',
        body: settingsUpdateSchema,
        response: { 200: messageResponseSchema },
      },
    },
    async (request) => {
      await options.settings.update(request.userId, request.body, { signal: request.clientGone });
      return { message: 'Settings stored' };
    },
  );
}

function settingsResponse(stored: StoredSettings, defaultModel: string): SettingsResponse {
  const fields = stored.fields;
  return {
    language: fields.language ?? 'en',
    agent: fields.agent ?? 'CodeActAgent',
    max_iterations: fields.max_iterations ?? null,
    security_analyzer: fields.security_analyzer ?? null,
    confirmation_mode: fields.confirmation_mode ?? false,
    llm_model: fields.llm_model ?? defaultModel,
    llm_api_key: null,
    llm_base_url:
      fields.llm_base_url === undefined || fields.llm_base_url === null
        ? null
        : hideBaseUrlPassword(fields.llm_base_url),
    remote_runtime_resource_factor: fields.remote_runtime_resource_factor ?? 1,
    enable_default_condenser: fields.enable_default_condenser ?? true,
    enable_sound_notifications: fields.enable_sound_notifications ?? false,
    enable_proactive_conversation_starters: fields.enable_proactive_conversation_starters ?? true,
    enable_solvability_analysis: fields.enable_solvability_analysis ?? true,
    // null would open the stock UI's analytics consent modal on every visit.
    user_consents_to_analytics: fields.user_consents_to_analytics ?? false,
    sandbox_base_container_image: fields.sandbox_base_container_image ?? null,
    sandbox_runtime_container_image: fields.sandbox_runtime_container_image ?? null,
    mcp_config: fields.mcp_config ?? null,
    search_api_key: null,
    sandbox_api_key: null,
    max_budget_per_task: fields.max_budget_per_task ?? null,
    condenser_max_size: fields.condenser_max_size ?? null,
    email: fields.email ?? null,
    email_verified: fields.email_verified ?? null,
    git_user_name: fields.git_user_name ?? null,
    git_user_email: fields.git_user_email ?? null,
    llm_api_key_set: stored.keys.llm_api_key !== undefined,
    search_api_key_set: stored.keys.search_api_key !== undefined,
    provider_tokens_set: {},
  };
}
