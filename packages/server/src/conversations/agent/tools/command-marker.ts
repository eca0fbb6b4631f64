/**
 * How `execute_bash` learns where a command left the shell: the wrapped command prints
 * `<marker><working directory>` and a newline last (right after the output, so output that does
 * not end its line keeps its last line as it is), with a marker made fresh for each command (a command cannot
 * forge it). `MarkerFilter` removes that line from the streamed output; `splitMarker` from the
 * final output.
 */
import { randomBytes } from 'node:crypto';

/** A marker no command can guess: `###PARLEY-CWD-<random>###`. */
export function newCommandMarker(): string {
  return `###PARLEY-CWD-${randomBytes(12).toString('hex')}###`;
}

/** The final output without the marker line, and the directory it named (undefined when absent). */
export function splitMarker(
  output: string,
  marker: string,
): { output: string; workingDirectory: string | undefined } {
  const at = output.lastIndexOf(marker);
  if (at === -1) return { output, workingDirectory: undefined };
  const lineEnd = output.indexOf('\n', at);
  const workingDirectory = output.slice(at + marker.length, lineEnd === -1 ? undefined : lineEnd);
  const before = output.slice(0, at);
  const after = lineEnd === -1 ? '' : output.slice(lineEnd + 1);
  return { output: before + after, workingDirectory };
}

/**
 * Passes streamed text through, holding back only what could be the start of the marker, and
 * dropping the marker, its directory and the newline after them.
 */
export class MarkerFilter {
  readonly #marker: string;
  /** What the wrapper prints before the directory. */
  readonly #lead: string;
  #held = '';
  #dropping = false;
  #directory = '';
  #sawMarker = false;

  constructor(marker: string) {
    this.#marker = marker;
    this.#lead = marker;
  }

  /** The part of `chunk` (with what was held) that is certainly not the marker line. */
  push(chunk: string): string {
    if (this.#dropping) return this.#afterMarker(chunk);
    const text = this.#held + chunk;
    const at = text.indexOf(this.#lead);
    if (at !== -1) {
      this.#dropping = true;
      this.#sawMarker = true;
      this.#directory = '';
      this.#held = '';
      return text.slice(0, at) + this.#afterMarker(text.slice(at + this.#lead.length));
    }
    const keep = heldSuffixLength(text, this.#lead);
    this.#held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** What is still held at the end (it was not the marker after all). */
  end(): string {
    const held = this.#held;
    this.#held = '';
    return this.#dropping ? '' : held;
  }

  get marker(): string {
    return this.#marker;
  }

  /** The directory the marker line named; undefined until a whole marker line went through. */
  get workingDirectory(): string | undefined {
    return this.#sawMarker && !this.#dropping ? this.#directory : undefined;
  }

  /** Inside the marker line: drop up to and including its newline, pass the rest. */
  #afterMarker(text: string): string {
    const lineEnd = text.indexOf('\n');
    if (lineEnd === -1) {
      this.#directory += text;
      return '';
    }
    this.#directory += text.slice(0, lineEnd);
    this.#dropping = false;
    return this.push(text.slice(lineEnd + 1));
  }
}

/** The length of the longest end of `text` that is a proper start of `lead`. */
function heldSuffixLength(text: string, lead: string): number {
  for (let length = Math.min(lead.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(lead.slice(0, length))) return length;
  }
  return 0;
}
