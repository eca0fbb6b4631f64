/** What a masked secret becomes (upstream's placeholder). */
export const secretPlaceholder = '<secret_hidden>';

export interface SecretTextMaskerOptions {
  /** Shorter values are not masked (a one-letter secret would rewrite every text). Default 1. */
  minLength?: number;
}

/**
 * Parley's one way of hiding secret values in text: every occurrence of any of them becomes
 * `<secret_hidden>`, in a single regular-expression pass (longest value first, so a secret that
 * contains another is hidden whole, and a placeholder is never itself rewritten). Events, log
 * lines, frames and error bodies all go through it; only the set of values differs.
 */
export class SecretTextMasker {
  readonly #pattern: RegExp | undefined;
  /** The values and their JSON-escaped forms, to spot them inside a serialized JSON line. */
  readonly #serializedPattern: RegExp | undefined;

  constructor(values: Iterable<string>, options: SecretTextMaskerOptions = {}) {
    const minLength = Math.max(1, options.minLength ?? 1);
    const secrets = [...new Set([...values].filter((value) => value.length >= minLength))].sort(
      (left, right) => right.length - left.length,
    );
    if (secrets.length === 0) return;
    this.#pattern = new RegExp(secrets.map(escapeRegExp).join('|'), 'g');
    const serialized = new Set(secrets.flatMap((secret) => [secret, jsonEscaped(secret)]));
    this.#serializedPattern = new RegExp([...serialized].map(escapeRegExp).join('|'));
  }

  /** True when there is nothing to mask. */
  get isEmpty(): boolean {
    return this.#pattern === undefined;
  }

  /** `text` with every secret replaced; the same string when none occurs. */
  maskText(text: string): string {
    const pattern = this.#pattern;
    if (pattern === undefined) return text;
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, secretPlaceholder);
  }

  /**
   * A masked copy of every string in `value`, inside arrays and plain objects too (object keys as
   * well when `keys` is set); numbers, booleans and null pass unchanged. Never mutates.
   */
  maskValue(value: unknown, options: { keys?: boolean } = {}): unknown {
    if (this.#pattern === undefined) return value;
    if (typeof value === 'string') return this.maskText(value);
    if (Array.isArray(value)) return value.map((item) => this.maskValue(item, options));
    if (value !== null && typeof value === 'object') {
      const result: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        result[options.keys === true ? this.maskText(key) : key] = this.maskValue(child, options);
      }
      return result;
    }
    return value;
  }

  /**
   * A serialized JSON line (a log line) with every secret in its strings and keys replaced. The
   * line is parsed and serialized again only when a secret (or its JSON-escaped form) occurs in it,
   * so the line stays valid JSON; text that is not JSON is masked as text.
   */
  maskJsonLine(line: string): string {
    if (this.#serializedPattern === undefined || !this.#serializedPattern.test(line)) return line;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return this.maskText(line);
    }
    const ending = line.endsWith('\n') ? '\n' : '';
    return JSON.stringify(this.maskValue(parsed, { keys: true })) + ending;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How `text` looks inside a JSON string literal. */
function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
