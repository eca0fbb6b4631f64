import { SecretTextMasker } from '../shared/secret-text-masker.js';

export { secretPlaceholder } from '../shared/secret-text-masker.js';

/** Top-level fields that identify an event and are never rewritten. */
const identityFields = new Set(['id', 'timestamp', 'source', 'cause', 'action', 'observation']);

/**
 * A conversation's secrets, hidden in its events: every string of an event becomes masked
 * (`SecretTextMasker`), nested objects and arrays included (upstream skips arrays), top-level
 * identity fields excluded. Unlike upstream, the top-level `message` is masked too, because it
 * usually repeats the content it summarises. Frames and error texts sent to the conversation's
 * clients are masked with the same secrets (`maskText`).
 */
export class SecretMasker {
  #secrets: string[] = [];
  #masker = new SecretTextMasker([]);

  /** Replaces the whole set. Empty values are ignored (they would match everywhere). */
  setSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#use(Object.values(secrets));
  }

  /** Adds to the set. */
  updateSecrets(secrets: Readonly<Record<string, string>>): void {
    this.#use([...this.#secrets, ...Object.values(secrets)]);
  }

  #use(secrets: readonly string[]): void {
    const distinct = [...new Set(secrets.filter((value) => typeof value === 'string'))];
    if (sameValues(distinct, this.#secrets)) return;
    this.#secrets = distinct;
    this.#masker = new SecretTextMasker(distinct);
  }

  get hasSecrets(): boolean {
    return !this.#masker.isEmpty;
  }

  /** Returns a masked copy (or the same object when there is nothing to mask). Never mutates. */
  mask<T extends object>(event: T): T {
    if (this.#masker.isEmpty) return event;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(event)) {
      result[key] = identityFields.has(key) ? value : this.#masker.maskValue(value);
    }
    return result as T;
  }

  /** Masks one string in a single pass, so a placeholder is never itself rewritten. */
  maskText(text: string): string {
    return this.#masker.maskText(text);
  }
}

function sameValues(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((value, index) => value === right[index]);
}
