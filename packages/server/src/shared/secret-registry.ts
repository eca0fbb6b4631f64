import { SecretTextMasker } from './secret-text-masker.js';

/** Values shorter than this are never masked in logs, frames or error bodies. */
export const minimumMaskedLength = 3;

interface Entry {
  /** Undefined: a server-wide secret (configuration), masked for everybody. */
  readonly userId: string | undefined;
  readonly values: readonly string[];
}

/**
 * Every secret value the process knows, so that no text leaving it carries one (R14): the
 * configuration's keys and credentials, each user's LLM keys and base-URL credentials, and custom
 * secrets. The stores register values as they load, decrypt or write them, under an owner key
 * (`settings:<user>`, `secret:<user>:<name>`, `config`) that a later load replaces and a delete
 * removes. One per app (the composition root builds it), never a module singleton.
 *
 * The log gets every value masked (`maskLogLine`); what a user is shown (frames, error bodies)
 * gets the server-wide values and that user's own (`maskerFor`), so a user can never learn from a
 * placeholder that some other user holds a given value.
 */
export class SecretRegistry {
  readonly #entries = new Map<string, Entry>();
  #all: SecretTextMasker | undefined;
  readonly #perUser = new Map<string, SecretTextMasker>();

  /** Sets the values of `owner` (replacing its previous ones); blank values are skipped. */
  set(owner: string, values: Iterable<string | null | undefined>, userId?: string): void {
    const kept = [...new Set([...values].filter(isMaskable))].sort();
    const previous = this.#entries.get(owner);
    if (previous !== undefined && previous.userId === userId && sameValues(previous.values, kept))
      return;
    if (kept.length === 0) this.#entries.delete(owner);
    else this.#entries.set(owner, { userId, values: kept });
    this.#changed();
  }

  /** Forgets the values of `owner` (a deleted secret). */
  delete(owner: string): void {
    if (this.#entries.delete(owner)) this.#changed();
  }

  /** Moves the values of `from` to `to` (a renamed secret). */
  rename(from: string, to: string): void {
    const entry = this.#entries.get(from);
    if (entry === undefined || from === to) return;
    this.#entries.delete(from);
    this.#entries.set(to, entry);
  }

  /** A serialized log line with every known secret masked (the logger's last step). */
  maskLogLine(line: string): string {
    if (this.#entries.size === 0) return line;
    this.#all ??= new SecretTextMasker(
      [...this.#entries.values()].flatMap((entry) => entry.values),
      { minLength: minimumMaskedLength },
    );
    return this.#all.maskJsonLine(line);
  }

  /** Masks what `userId` may be shown: the server-wide secrets and the user's own. */
  maskerFor(userId: string | undefined): SecretTextMasker {
    const key = userId ?? '';
    let masker = this.#perUser.get(key);
    if (masker === undefined) {
      const values = [...this.#entries.values()]
        .filter((entry) => entry.userId === undefined || entry.userId === userId)
        .flatMap((entry) => entry.values);
      masker = new SecretTextMasker(values, { minLength: minimumMaskedLength });
      this.#perUser.set(key, masker);
    }
    return masker;
  }

  #changed(): void {
    this.#all = undefined;
    this.#perUser.clear();
  }
}

/**
 * The secret parts of a URL's credentials (`https://user:password@host`): the password, raw and
 * decoded, and the whole `user:password` pair. Nothing for a URL without a password or no URL.
 */
export function urlCredentials(url: string | null | undefined): string[] {
  if (url == null || url === '') return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  if (parsed.password === '') return [];
  const values = [parsed.password, `${parsed.username}:${parsed.password}`];
  try {
    values.push(decodeURIComponent(parsed.password));
  } catch {
    // A malformed escape: the raw form is masked.
  }
  return values;
}

function isMaskable(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim().length >= minimumMaskedLength;
}

function sameValues(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((value, index) => value === right[index]);
}
