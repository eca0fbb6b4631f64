/**
 * Timers a test fires by hand, injected into the socket hooks: reconnect delays and heartbeat
 * timeouts are read from the schedule instead of waited for.
 */
export interface ScheduledTimer {
  id: number;
  delayMs: number;
  callback: () => void;
}

export class ManualTimers {
  readonly #pending = new Map<number, ScheduledTimer>();
  /** Every delay ever scheduled, in order. */
  readonly scheduled: number[] = [];
  #nextId = 1;

  setTimeout = (callback: () => void, delayMs: number): unknown => {
    const id = this.#nextId++;
    this.#pending.set(id, { id, delayMs, callback });
    this.scheduled.push(delayMs);
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };

  /** Timers not yet fired or cleared, oldest first. */
  pending(delayMs?: number): ScheduledTimer[] {
    return [...this.#pending.values()].filter(
      (timer) => delayMs === undefined || timer.delayMs === delayMs,
    );
  }

  /** Fires the oldest pending timer with this delay (any delay when omitted); throws if none. */
  fire(delayMs?: number): void {
    const timer = this.pending(delayMs)[0];
    if (timer === undefined)
      throw new Error(`no pending timer${delayMs === undefined ? '' : ` of ${delayMs} ms`}`);
    this.#pending.delete(timer.id);
    timer.callback();
  }
}
