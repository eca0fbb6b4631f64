/**
 * "Which model, with which key, at which base URL": the one type for it, and the one rule for what
 * a user's choice inherits from the server's default. Only the server's default model inherits the
 * server's key and base URL, so a user's choice of another provider never receives the server's key
 * (nor a base URL whose credentials belong to the server).
 */

export interface ModelSettings {
  /** `provider/id` as configured, for example `openai/gpt-4o` or `demo`. */
  readonly model: string;
  readonly apiKey?: string | undefined;
  readonly baseUrl?: string | undefined;
}

/** Models that run without an API key: the offline demo, and the providers upstream exempts. */
const keylessModelPrefixes = ['bedrock/', 'lemonade/', 'ollama/'];

/** Whether `model` runs without an API key (only the name `demo` exactly, not `demo-…`). */
export function runsWithoutApiKey(model: string): boolean {
  return model === 'demo' || keylessModelPrefixes.some((prefix) => model.startsWith(prefix));
}

/**
 * `model` without the provider `other/`. The stock OpenHands web UI lists a model name that has no
 * provider (such as `demo`) under the provider "other", and its settings form saves the choice as
 * `other/<name>`; no provider is called "other", so the name is `<name>`.
 */
export function withoutOtherProvider(model: string): string {
  return model.startsWith(otherProvider) ? model.slice(otherProvider.length) : model;
}

const otherProvider = 'other/';

/**
 * The settings a call uses: the user's `choice` over the server's default. An unset model is the
 * server's; a blank key or base URL (a settings form sends "" for an empty field) counts as unset.
 * The server's key and base URL fill in only when the model is the server's default model. The
 * stock web UI's `other/<name>` is `<name>` (`withoutOtherProvider`).
 */
export function chooseModelSettings(
  choice: Partial<ModelSettings>,
  serverDefault: ModelSettings,
): ModelSettings {
  const model = withoutOtherProvider(choice.model ?? serverDefault.model);
  const inheritsServerCredentials = model === withoutOtherProvider(serverDefault.model);
  return {
    model,
    apiKey:
      nonBlank(choice.apiKey) ?? (inheritsServerCredentials ? serverDefault.apiKey : undefined),
    baseUrl:
      nonBlank(choice.baseUrl) ?? (inheritsServerCredentials ? serverDefault.baseUrl : undefined),
  };
}

/**
 * Whether a call could authenticate: the model needs no key, or there is a key, or there is a base
 * URL (a local server that may need none).
 */
export function hasCredentials(settings: ModelSettings): boolean {
  return (
    runsWithoutApiKey(settings.model) ||
    settings.apiKey !== undefined ||
    settings.baseUrl !== undefined
  );
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
