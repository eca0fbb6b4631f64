import { chooseModelSettings, hasCredentials, type ModelSettings } from '../llm/model-settings.js';
import { ParleyError } from '../shared/errors.js';
import { mcpConfigSecrets } from './agent/mcp/mcp-server-specs.js';
import { urlCredentials } from '../shared/secret-registry.js';
import type { StartOptions, TurnLimits } from './agent-loops.js';
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
  /** The user's stored `mcp_config`, as stored (`openMcpTools` checks it again). */
  readonly mcpConfig: unknown;
  /**
   * Every value to mask in the conversation's events: keys, base-URL credentials, MCP servers'
   * keys and secret-looking variables, custom secrets.
   */
  readonly secrets: Readonly<Record<string, string>>;
  /** The user's custom secrets by name (exported to commands only when the operator allows it). */
  readonly customSecrets: Readonly<Record<string, string>>;
}

/** What a loop of this user starts with: the LLM (`user.llm()` unless given), secrets, limits, MCP. */
export function loopStartOptions(
  user: UserLlmContext,
  llm: ModelSettings = user.llm(),
): Omit<StartOptions, 'initialMessage'> {
  return {
    llm,
    secrets: user.secrets,
    limits: user.limits,
    mcpConfig: user.mcpConfig,
    customSecrets: user.customSecrets,
  };
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
      mcpConfig: settings?.fields.mcp_config ?? null,
      secrets: secretsToMask(settings, custom, sources.serverLlm),
      customSecrets: custom,
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
  // MCP servers' keys, URL credentials and secret-looking variables (mcp-server-specs.ts).
  for (const [index, value] of mcpConfigSecrets(settings?.fields.mcp_config).entries())
    keys[`mcp_secret_${index}`] = value;
  return { ...keys, ...custom };
}
