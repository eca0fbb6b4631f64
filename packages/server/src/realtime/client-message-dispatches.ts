/**
 * Every client message a socket accepted and has not yet handed to its conversation, on both
 * faces. A dispatch belongs to the realtime server's lifetime, not to its socket's: a message that
 * drew no error frame is appended even when its connection closes first (R13, "accepted means
 * stored"). At shutdown the server stops taking messages (later ones get an error frame), waits a
 * bounded time for the accepted ones, then aborts what is left and says so in the log. The abort
 * reaches a dispatch still reading (its conversation, the user's settings); one already handing
 * its action to the conversation finishes, or meets the closed conversation manager's refusal.
 */
export class ClientMessageDispatches {
  readonly #lifetime = new AbortController();
  readonly #pending = new Set<Promise<void>>();
  #closing = false;

  /** Aborted only when shutdown gave up waiting; dispatches run under it. */
  get signal(): AbortSignal {
    return this.#lifetime.signal;
  }

  /** True once shutdown began: new messages are refused with an error frame. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Counts a dispatch until it settles (it must not reject). */
  track(dispatch: Promise<void>): void {
    this.#pending.add(dispatch);
    void dispatch.finally(() => this.#pending.delete(dispatch));
  }

  /** Resolves when every dispatch accepted so far has settled. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /**
   * Stops taking messages, waits up to `timeoutMs` for the accepted ones, then aborts the rest.
   * Resolves with the number of dispatches that were aborted.
   */
  async close(timeoutMs: number): Promise<number> {
    this.#closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.settled(), timedOut]);
    clearTimeout(timer);
    const left = this.#pending.size;
    if (left > 0) this.#lifetime.abort(new Error('the server is shutting down'));
    return left;
  }
}
