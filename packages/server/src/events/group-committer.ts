import { AbortedError, ParleyError } from '../shared/errors.js';

export interface GroupCommitterOptions<TRequest, TResult> {
  /** Largest total weight (events) committed together; a heavier single request goes alone. */
  maxBatchWeight: number;
  /**
   * How long an idle committer waits for companions before committing, in ms. 0 commits on the next
   * turn of the event loop, so everything submitted in the same turn shares one transaction. While a
   * commit is in flight, new requests queue and form the next batch, so batches grow with load.
   * Reaching `maxBatchWeight` commits at once, whatever the delay.
   */
  maxDelayMs: number;
  weigh(request: TRequest): number;
  /** Commits a batch in one transaction; returns one result per request, in batch order. */
  commit(batch: readonly TRequest[]): Promise<readonly TResult[]>;
  /**
   * Whether a failed batch may be retried one request at a time: only when the failure certainly
   * left nothing committed (default: always).
   */
  canRetryAlone?(error: unknown): boolean;
}

interface PendingRequest<TRequest, TResult> {
  kind: 'request';
  request: TRequest;
  weight: number;
  resolve(result: TResult): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface PendingBarrier {
  kind: 'barrier';
  run(): Promise<void>;
}

type QueueEntry<TRequest, TResult> = PendingRequest<TRequest, TResult> | PendingBarrier;

/**
 * Group commit: many concurrent requests, one transaction (and one fsync) per batch. Batches are
 * committed one at a time, in submission order. If a batch fails, its requests are retried one by one
 * (when that is safe), so a single bad request fails alone. `runExclusive` runs a task between
 * batches, after everything submitted before it and before everything submitted after it.
 */
export class GroupCommitter<TRequest, TResult> {
  readonly #options: GroupCommitterOptions<TRequest, TResult>;
  #queue: QueueEntry<TRequest, TResult>[] = [];
  #queuedWeight = 0;
  #cancelTimer: (() => void) | undefined;
  #drainQueued = false;
  #committing = false;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: GroupCommitterOptions<TRequest, TResult>) {
    this.#options = options;
  }

  get pendingCount(): number {
    return this.#queue.length;
  }

  submit(request: TRequest, signal?: AbortSignal): Promise<TResult> {
    if (this.#closed) {
      return Promise.reject(new ParleyError('STORE_CLOSED', 'The event store is closed'));
    }
    if (signal?.aborted) {
      return Promise.reject(
        new AbortedError('Append aborted before it was written', { cause: signal.reason }),
      );
    }
    return new Promise<TResult>((resolve, reject) => {
      const pending: PendingRequest<TRequest, TResult> = {
        kind: 'request',
        request,
        weight: Math.max(1, this.#options.weigh(request)),
        resolve,
        reject,
        signal,
        onAbort: undefined,
      };
      if (signal !== undefined) {
        pending.onAbort = () => this.#abandon(pending);
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.#queue.push(pending);
      this.#queuedWeight += pending.weight;
      this.#schedule();
    });
  }

  /** Runs `task` alone: after every request submitted before it, before every one after it. */
  runExclusive<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        kind: 'barrier',
        run: () => task().then(resolve, reject),
      });
      this.#drainSoon();
    });
  }

  /** Resolves once nothing is queued or committing. */
  flush(): Promise<void> {
    if (!this.#committing && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Refuses new requests, then waits for the queued ones to commit. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #abandon(pending: PendingRequest<TRequest, TResult>): void {
    const index = this.#queue.indexOf(pending);
    if (index === -1) return; // already committing: it will complete normally
    this.#queue.splice(index, 1);
    this.#queuedWeight -= pending.weight;
    pending.reject(
      new AbortedError('Append aborted before it was written', { cause: pending.signal?.reason }),
    );
    this.#notifyIfIdle();
  }

  #schedule(): void {
    if (this.#committing) return; // the running drain picks new requests up
    if (this.#queuedWeight >= this.#options.maxBatchWeight) {
      this.#drainSoon();
      return;
    }
    if (this.#cancelTimer !== undefined || this.#drainQueued) return;
    const drain = () => void this.#drain();
    if (this.#options.maxDelayMs > 0) {
      const timer = setTimeout(drain, this.#options.maxDelayMs);
      this.#cancelTimer = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(drain);
      this.#cancelTimer = () => clearImmediate(immediate);
    }
  }

  /** Drains on the next microtask, cancelling any pending timer. */
  #drainSoon(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (this.#committing || this.#drainQueued) return;
    this.#drainQueued = true;
    queueMicrotask(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#drainQueued = false;
    if (this.#committing) return;
    this.#committing = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0] as QueueEntry<TRequest, TResult>;
        if (head.kind === 'barrier') {
          this.#queue.shift();
          await head.run();
          continue;
        }
        await this.#commitBatch(this.#takeBatch());
      }
    } finally {
      this.#committing = false;
      this.#notifyIfIdle();
    }
  }

  #takeBatch(): PendingRequest<TRequest, TResult>[] {
    const batch: PendingRequest<TRequest, TResult>[] = [];
    let weight = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as QueueEntry<TRequest, TResult>;
      if (next.kind === 'barrier') break;
      if (batch.length > 0 && weight + next.weight > this.#options.maxBatchWeight) break;
      this.#queue.shift();
      this.#queuedWeight -= next.weight;
      weight += next.weight;
      if (next.signal !== undefined && next.onAbort !== undefined) {
        next.signal.removeEventListener('abort', next.onAbort);
      }
      batch.push(next);
    }
    return batch;
  }

  async #commitBatch(batch: PendingRequest<TRequest, TResult>[]): Promise<void> {
    try {
      const results = await this.#options.commit(batch.map((pending) => pending.request));
      batch.forEach((pending, index) => pending.resolve(results[index] as TResult));
    } catch (error) {
      const canRetryAlone = this.#options.canRetryAlone?.(error) ?? true;
      if (batch.length === 1 || !canRetryAlone) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      // Isolate the failure: commit each request on its own.
      for (const pending of batch) await this.#commitBatch([pending]);
    }
  }

  #notifyIfIdle(): void {
    if (this.#committing || this.#queue.length > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
