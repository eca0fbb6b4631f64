export const secretPlaceholder = '<secret_hidden>';

/** Top-level fields that identify an event and are never rewritten. */
const identityFields = new Set(['id', 'timestamp', 'source', 'cause', 'action', 'observation']);

/**
 * Replaces registered secret values with `<secret_hidden>` in every string of an event: nested objects
 * and arrays included (upstream skips arrays), top-level identity fields excluded. Unlike upstream, the
 * top-level `message` is masked too, because it usually repeats the content it summarises.
 */
export class SecretMasker {
  #secrets: string[] = [];
  #pattern: RegExp | undefined;

  /** Replaces the whole set. Empty values are ignored (they would match everywhere). */
  setSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#use(normalise(Object.values(secrets)));
  }

  /** Adds to the set. */
  updateSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#use(normalise([...this.#secrets, ...Object.values(secrets)]));
  }

  #use(secrets: string[]): void {
    this.#secrets = secrets;
    // Longest first, so that a secret containing another is masked whole.
    this.#pattern =
      secrets.length === 0 ? undefined : new RegExp(secrets.map(escapeRegExp).join('|'), 'g');
  }

  get hasSecrets(): boolean {
    return this.#secrets.length > 0;
  }

  /** Returns a masked copy (or the same object when there is nothing to mask). Never mutates. */
  mask<T extends object>(event: T): T {
    if (this.#secrets.length === 0) return event;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event)) {
      result[key] = identityFields.has(key) ? value : this.#maskValue(value);
    }
    return result as T;
  }

  /** Masks one string in a single pass, so a placeholder is never itself rewritten. */
  maskText(text: string): string {
    if (this.#pattern === undefined) return text;
    this.#pattern.lastIndex = 0;
    return this.#pattern.test(text) ? text.replace(this.#pattern, secretPlaceholder) : text;
  }

  #maskValue(value: unknown): unknown {
    if (typeof value === 'string') return this.maskText(value);
    if (Array.isArray(value)) return value.map((item) => this.#maskValue(item));
    if (value !== null && typeof value === 'object') {
      const result: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) result[key] = this.#maskValue(child);
      return result;
    }
    return value;
  }
}

/** Distinct non-empty secrets, longest first so that a secret containing another is masked whole. */
function normalise(values: readonly string[]): string[] {
  return [...new Set(values.filter((value) => typeof value === 'string' && value !== ''))].sort(
    (left, right) => right.length - left.length,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
