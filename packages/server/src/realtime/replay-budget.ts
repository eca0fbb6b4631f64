import { abortedErrorFrom } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';

/** A share of the budget; `release` gives it back (idempotent). */
export interface BudgetLease {
  readonly bytes: number;
  release(): void;
}

/**
 * Who is asking: a replay that has already started (`continuing`) is served before any replay that
 * has not (`new`), so an admitted client is not cut mid-replay because newcomers took its share.
 */
export type BudgetPriority = 'continuing' | 'new';

export interface AcquireOptions {
  priority: BudgetPriority;
  /** Fires when the asker went away: the wait ends at once with `AbortedError`. */
  signal?: AbortSignal;
}

export interface ReplayBudgetOptions {
  capacityBytes: number;
  /** The longest an `acquire` waits before it fails with `SOCKET_REPLAY_BUSY`, in ms. */
  waitMs: number;
}

interface Waiter {
  bytes: number;
  grant(lease: BudgetLease): void;
}

/**
 * The process-wide budget of replay bytes in flight (PARLEY_REPLAY_BUDGET_BYTES): every page a
 * replay reads holds a share from before it is read until the last connection it was written to has
 * handed it to the kernel. An `acquire` that does not fit waits its turn, first come first served
 * within its priority (a waiter that does not fit holds back those behind it, so a big page is never
 * starved by small ones), at most `waitMs`; then it fails with `SOCKET_REPLAY_BUSY` and the client
 * is refused with "try again later". A request bigger than the whole budget is served alone, once
 * nothing else holds a share: one event larger than the budget can still be replayed.
 */
export class ReplayBudget {
  readonly capacityBytes: number;
  /** The longest an `acquire` waits, in ms. */
  readonly waitMs: number;
  readonly #queues: Record<BudgetPriority, Waiter[]> = { continuing: [], new: [] };
  readonly #reclaimers: (() => void)[] = [];
  #inUseBytes = 0;

  constructor(options: ReplayBudgetOptions) {
    if (!(options.capacityBytes > 0)) throw new RangeError('the replay budget must be positive');
    this.capacityBytes = options.capacityBytes;
    this.waitMs = options.waitMs;
  }

  /** Bytes held by leases now. */
  get inUseBytes(): number {
    return this.#inUseBytes;
  }

  /** Acquires waiting their turn. */
  get waitingCount(): number {
    return this.#queues.continuing.length + this.#queues.new.length;
  }

  /**
   * Registers a holder of optional shares (pages kept for late joiners): called when an `acquire`
   * does not fit, before it queues, to give back what it can.
   */
  onPressure(reclaim: () => void): void {
    this.#reclaimers.push(reclaim);
  }

  /**
   * Resolves with a lease of `bytes` (at most the capacity) once it fits and nobody of equal or
   * higher priority waits before it; rejects with `SOCKET_REPLAY_BUSY` after the wait bound, or
   * with `AbortedError` when `signal` fires first.
   */
  acquire(bytes: number, options: AcquireOptions): Promise<BudgetLease> {
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(abortedErrorFrom(signal));
    const wanted = Math.min(Math.max(0, Math.ceil(bytes)), this.capacityBytes);
    const servedNow = (): boolean => this.#nobodyAhead(options.priority) && this.#fits(wanted);
    if (!servedNow()) for (const reclaim of this.#reclaimers) reclaim();
    if (servedNow()) return Promise.resolve(this.#lease(wanted));
    return new Promise<BudgetLease>((resolve, reject) => {
      const queue = this.#queues[options.priority];
      const leave = (): void => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        // The head left: those behind it may fit now.
        this.#grant();
      };
      const onAbort = (): void => {
        reject(abortedErrorFrom(signal as AbortSignal));
        leave();
      };
      const waiter: Waiter = {
        bytes: wanted,
        grant: (lease) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(lease);
        },
      };
      queue.push(waiter);
      const timer = setTimeout(() => {
        reject(
          new ParleyError(
            'SOCKET_REPLAY_BUSY',
            `The server is replaying too much at once (no replay memory free within ${this.waitMs} ms); try again later`,
            { isRetryable: true },
          ),
        );
        leave();
      }, this.waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #nobodyAhead(priority: BudgetPriority): boolean {
    if (this.#queues.continuing.length > 0) return false;
    return priority === 'continuing' || this.#queues.new.length === 0;
  }

  #fits(bytes: number): boolean {
    return this.#inUseBytes + bytes <= this.capacityBytes;
  }

  #lease(bytes: number): BudgetLease {
    this.#inUseBytes += bytes;
    let released = false;
    return {
      bytes,
      release: () => {
        if (released) return;
        released = true;
        this.#inUseBytes -= bytes;
        this.#grant();
      },
    };
  }

  /** Serves the queues' heads in order while they fit. */
  #grant(): void {
    for (const queue of [this.#queues.continuing, this.#queues.new]) {
      for (;;) {
        const head = queue[0];
        if (head === undefined) break;
        if (!this.#fits(head.bytes)) return;
        queue.shift();
        head.grant(this.#lease(head.bytes));
      }
    }
  }
}
