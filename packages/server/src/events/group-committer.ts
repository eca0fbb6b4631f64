import { AbortedError, ParleyError } from '../shared/errors.js';

export interface GroupCommitterOptions<TRequest, TResult> {
  /** Largest total weight (events) committed together; a heavier single request goes alone. */
  maxBatchWeight: number;
  /**
   * How long an idle committer waits for companions before committing, in ms. 0 commits on the next
   * turn of the event loop, so everything submitted in the same turn shares one transaction. While a
   * commit is in flight, new requests queue and form the next batch, so batches grow with load.
   */
  maxDelayMs: number;
  weigh(request: TRequest): number;
  /** Commits a batch in one transaction; returns one result per request, in batch order. */
  commit(batch: readonly TRequest[]): Promise<readonly TResult[]>;
}

interface Pending<TRequest, TResult> {
  request: TRequest;
  weight: number;
  resolve(result: TResult): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Group commit: many concurrent requests, one transaction (and one fsync) per batch. Batches are
 * committed one at a time, in submission order. If a batch fails, its requests are retried one by one,
 * so a single bad request fails alone.
 */
export class GroupCommitter<TRequest, TResult> {
  readonly #options: GroupCommitterOptions<TRequest, TResult>;
  #queue: Pending<TRequest, TResult>[] = [];
  #queuedWeight = 0;
  #scheduled = false;
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
      const pending: Pending<TRequest, TResult> = {
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

  #abandon(pending: Pending<TRequest, TResult>): void {
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
    if (this.#committing || this.#scheduled) return;
    if (this.#queuedWeight >= this.#options.maxBatchWeight) {
      this.#scheduled = true;
      queueMicrotask(() => void this.#drain());
      return;
    }
    this.#scheduled = true;
    if (this.#options.maxDelayMs > 0)
      setTimeout(() => void this.#drain(), this.#options.maxDelayMs);
    else setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    if (this.#committing) return;
    this.#committing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#takeBatch();
        await this.#commitBatch(batch);
      }
    } finally {
      this.#committing = false;
      this.#notifyIfIdle();
    }
  }

  #takeBatch(): Pending<TRequest, TResult>[] {
    const batch: Pending<TRequest, TResult>[] = [];
    let weight = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as Pending<TRequest, TResult>;
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

  async #commitBatch(batch: Pending<TRequest, TResult>[]): Promise<void> {
    try {
      const results = await this.#options.commit(batch.map((pending) => pending.request));
      batch.forEach((pending, index) => pending.resolve(results[index] as TResult));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
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
