/**
 * Counts a connection's writes that have not yet been handed to the kernel, and calls back once
 * none is left. `started()` counts one write and returns the callback to give the transport
 * (`ws`'s `send`, engine.io's `write`); the same function serves every write.
 */
export class WriteTracker {
  #unwritten = 0;
  #waiters: (() => void)[] = [];
  readonly #onWritten = (): void => {
    this.#unwritten--;
    if (this.#unwritten <= 0) this.#wake();
  };

  started(): () => void {
    this.#unwritten++;
    return this.#onWritten;
  }

  /** Calls `onWritten` when no counted write is left (at once when none is). */
  whenWritten(onWritten: () => void): void {
    if (this.#unwritten <= 0) onWritten();
    else this.#waiters.push(onWritten);
  }

  /** The connection closed: nothing it holds will be written; wake every waiter. */
  closed(): void {
    this.#unwritten = 0;
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}
