import { chooseModelSettings, hasCredentials, type ModelSettings } from '../llm/model-settings.js';
import { ParleyError } from '../shared/errors.js';
import { urlCredentials } from '../shared/secret-registry.js';
import type { TurnLimits } from './agent-loops.js';
import type { SecretsStore } from '../settings/secrets-store.js';
import type { SettingsStore, StoredSettings } from '../settings/settings-store.js';

/** What a user's turns need from their settings and secrets, read (and decrypted) once. */
export interface UserLlmContext {
  /**
   * The model, key and base URL the user's turns use. Asked only when a loop is to start, so a
   * message to a running loop is never refused for settings changed under it.
   * @throws ParleyError SETTINGS_NOT_FOUND, LLM_API_KEY_MISSING (see `chooseLlm`)
   */
  llm(): ModelSettings;
  /** The user's max_iterations and max_budget_per_task settings, when set. */
  readonly limits: TurnLimits;
  /** Every value to mask in the conversation's events: keys, base-URL credentials, custom secrets. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Loads one user's context: the settings row and the custom secrets, each read once. */
export type LoadUserLlmContext = (userId: string, signal?: AbortSignal) => Promise<UserLlmContext>;

export interface UserLlmContextSources {
  settings: SettingsStore;
  secrets: SecretsStore;
  /** The server's default model, key and base URL (LLM_MODEL, LLM_API_KEY, LLM_BASE_URL). */
  serverLlm: ModelSettings;
}

/** Builds `loadUserLlmContext(userId, signal)` over the stores and the server's default model. */
export function createUserLlmContextLoader(sources: UserLlmContextSources): LoadUserLlmContext {
  return async (userId, signal) => {
    const [settings, custom] = await Promise.all([
      sources.settings.load(userId, { signal }),
      sources.secrets.values(userId, { signal }),
    ]);
    return {
      llm: () => chooseLlm(settings, sources.serverLlm),
      limits: {
        maxIterations: settings?.fields.max_iterations ?? undefined,
        maxBudgetPerTask: settings?.fields.max_budget_per_task ?? undefined,
        confirmationMode: settings?.fields.confirmation_mode ?? undefined,
      },
      secrets: secretsToMask(settings, custom, sources.serverLlm),
    };
  };
}

/**
 * Upstream's rules over `chooseModelSettings`: no settings and no usable server default →
 * SETTINGS_NOT_FOUND; a model that needs a key but has none (and no base URL of a local server) →
 * LLM_API_KEY_MISSING.
 */
export function chooseLlm(
  settings: StoredSettings | undefined,
  serverLlm: ModelSettings,
): ModelSettings {
  const llm = chooseModelSettings(
    {
      model: settings?.fields.llm_model ?? undefined,
      apiKey: settings?.keys.llm_api_key ?? undefined,
      baseUrl: settings?.fields.llm_base_url ?? undefined,
    },
    serverLlm,
  );
  if (hasCredentials(llm)) return llm;
  if (settings === undefined) throw new ParleyError('SETTINGS_NOT_FOUND', 'Settings not found');
  throw new ParleyError(
    'LLM_API_KEY_MISSING',
    'Error authenticating with the LLM provider. Please check your API key',
  );
}

function secretsToMask(
  settings: StoredSettings | undefined,
  custom: Record<string, string>,
  serverLlm: ModelSettings,
): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings?.keys ?? {})) {
    if (value !== undefined && value !== '') keys[name] = value;
  }
  if (serverLlm.apiKey !== undefined) keys['default_llm_api_key'] = serverLlm.apiKey;
  // Credentials in a base URL (https://user:password@host) are as secret as a key.
  const credentials = [
    ...urlCredentials(settings?.fields.llm_base_url),
    ...urlCredentials(serverLlm.baseUrl),
  ];
  for (const [index, value] of credentials.entries())
    keys[`llm_base_url_credential_${index}`] = value;
  return { ...keys, ...custom };
}
