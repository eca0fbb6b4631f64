import {
  secretSettingsFields,
  type SecretSettingsField,
  type SettingsUpdate,
} from '@parley/protocol';
import { keepHiddenBaseUrlPassword } from './base-url-password.js';

/** One user's settings: the plain fields and the decrypted API keys, kept apart. */
export interface StoredSettings {
  /** Every non-secret field that was ever written (absent ones take their defaults on read). */
  fields: Omit<SettingsUpdate, SecretSettingsField>;
  keys: Partial<Record<SecretSettingsField, string>>;
}

export interface SettingsStore {
  load(userId: string, options?: { signal?: AbortSignal }): Promise<StoredSettings | undefined>;
  /**
   * Merges a partial update over the stored settings and saves the result in one statement.
   * Omitted fields keep their stored value; for the API keys null also keeps it and `''` clears it.
   */
  update(
    userId: string,
    update: SettingsUpdate,
    options?: { signal?: AbortSignal },
  ): Promise<StoredSettings>;
}

/** Applies `update` to `current` by the rules of `SettingsStore.update`. */
export function mergeSettings(
  current: StoredSettings | undefined,
  update: SettingsUpdate,
): StoredSettings {
  const fields: Record<string, unknown> = { ...(current?.fields ?? {}) };
  const keys: Partial<Record<SecretSettingsField, string>> = { ...(current?.keys ?? {}) };
  for (const [name, value] of Object.entries(update)) {
    if (value === undefined) continue;
    if (isSecretField(name)) {
      if (value === null) continue;
      if (value === '') delete keys[name];
      else keys[name] = value as string;
      continue;
    }
    fields[name] =
      name === 'llm_base_url' && typeof value === 'string'
        ? keepHiddenBaseUrlPassword(value, current?.fields.llm_base_url ?? undefined)
        : value;
  }
  return { fields: fields as StoredSettings['fields'], keys };
}

function isSecretField(name: string): name is SecretSettingsField {
  return (secretSettingsFields as readonly string[]).includes(name);
}
