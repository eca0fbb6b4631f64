/** One coalesced chunk of streamed output. */
export interface DeltaChunk {
  content: string;
  reasoningContent: string;
}

export interface DeltaCoalescerOptions {
  /** Longest a piece of text waits before it is flushed, in ms (about 50). */
  intervalMs: number;
  /** Flush at once when this many characters are waiting (a few hundred). */
  maxChars: number;
  /** Receives each chunk, in order; never called with an empty chunk. */
  flush(chunk: DeltaChunk): void;
  /** Replaceable for tests. */
  setTimer?: (callback: () => void, milliseconds: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Gathers streamed text and reasoning into chunks of at most about `intervalMs` of output or
 * `maxChars` characters (design.md §4), so a fast model does not write one log entry per token.
 */
export class DeltaCoalescer {
  readonly #options: DeltaCoalescerOptions;
  readonly #setTimer: (callback: () => void, milliseconds: number) => unknown;
  readonly #clearTimer: (handle: unknown) => void;
  #content = '';
  #reasoning = '';
  #timer: unknown;

  constructor(options: DeltaCoalescerOptions) {
    this.#options = options;
    this.#setTimer =
      options.setTimer ?? ((callback, milliseconds) => setTimeout(callback, milliseconds));
    this.#clearTimer =
      options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  addText(text: string): void {
    this.#content += text;
    this.#afterAdd();
  }

  addReasoning(text: string): void {
    this.#reasoning += text;
    this.#afterAdd();
  }

  /** Hands over whatever is waiting now. */
  flush(): void {
    if (this.#timer !== undefined) {
      this.#clearTimer(this.#timer);
      this.#timer = undefined;
    }
    if (this.#content === '' && this.#reasoning === '') return;
    const chunk = { content: this.#content, reasoningContent: this.#reasoning };
    this.#content = '';
    this.#reasoning = '';
    this.#options.flush(chunk);
  }

  /** Drops whatever is waiting (the turn was stopped). */
  discard(): void {
    if (this.#timer !== undefined) this.#clearTimer(this.#timer);
    this.#timer = undefined;
    this.#content = '';
    this.#reasoning = '';
  }

  #afterAdd(): void {
    if (this.#content.length + this.#reasoning.length >= this.#options.maxChars) {
      this.flush();
      return;
    }
    this.#timer ??= this.#setTimer(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#options.intervalMs);
  }
}
