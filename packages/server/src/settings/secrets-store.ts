/** A custom secret as listed: never its value. */
export interface SecretSummary {
  name: string;
  description: string | null;
}

export interface SecretsStore {
  list(userId: string, options?: { signal?: AbortSignal }): Promise<SecretSummary[]>;
  /** @throws ParleyError SECRET_ALREADY_EXISTS */
  create(
    userId: string,
    secret: { name: string; value: string; description?: string | null | undefined },
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  /**
   * Renames and re-describes a secret, and replaces its value when one is given.
   * @throws ParleyError SECRET_NOT_FOUND, SECRET_ALREADY_EXISTS (renaming onto another secret)
   */
  update(
    userId: string,
    name: string,
    change: { name: string; description?: string | null | undefined; value?: string | undefined },
    options?: { signal?: AbortSignal },
  ): Promise<void>;
  /** @throws ParleyError SECRET_NOT_FOUND */
  delete(userId: string, name: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Every secret's value by name, for masking and for the agent's tools. */
  values(userId: string, options?: { signal?: AbortSignal }): Promise<Record<string, string>>;
}
