import type { Logger } from '../shared/logger.js';
import type { EventStore, StoredEvent } from './event-store.js';

export interface StreamSequencerOptions {
  conversationId: string;
  store: EventStore;
  /** Hands contiguous events (ids lastId + 1, + 2 …) on to the stream's callbacks. */
  deliver(events: readonly StoredEvent[]): void;
  logger: Logger;
  /** Wait before reading the log's head again after a failed read (default 1000 ms). */
  retryDelayMs?: number;
}

/** Batches kept while a gap is filled; past it they are dropped and read from the log instead. */
const maxWaitingBatches = 1_000;

/**
 * Keeps one conversation's deliveries gap-free when other processes commit to the same log and
 * their commits arrive over a transport that may lose or delay messages. It first reads the log's
 * head (the baseline: ids up to it were committed before the stream listened and never reach its
 * callbacks); from then on it delivers every id after the baseline exactly once, in order. A batch
 * whose first id jumps past the next expected one makes it read the missing ids from the log first,
 * so a lost notification costs latency, never an event; `catchUp` does the same for a loss that no
 * later batch reveals (the last events of a turn), and is called periodically by the stream's owner.
 */
export class StreamSequencer {
  readonly #options: StreamSequencerOptions;
  #lastId = -1;
  #isEstablished = false;
  /** Started by the first reader (`established`, `catchUp`): a stream only appended to never reads. */
  #established: Promise<void> | undefined;
  /** Batches that arrived while the baseline was read or a gap was being filled, in arrival order. */
  #waiting: (readonly StoredEvent[])[] = [];
  #filling: Promise<void> | undefined;
  /** Set after a failed read: waiting batches wait for the next `catchUp` instead of retrying at once. */
  #stalled = false;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: StreamSequencerOptions) {
    this.#options = options;
  }

  /**
   * Reads the baseline on first use and resolves once it is known (after retries while the log
   * cannot be read). Batches that arrive before the first use are of no one's concern: they are
   * at most the baseline.
   */
  get established(): Promise<void> {
    this.#established ??= this.#establish();
    return this.#established;
  }

  get isEstablished(): boolean {
    return this.#isEstablished;
  }

  /** The highest id delivered, or the baseline before any. */
  get lastId(): number {
    return this.#lastId;
  }

  /** Takes a committed batch from the transport (local or remote, duplicates allowed). */
  receive(events: readonly StoredEvent[]): void {
    if (this.#closed || events.length === 0 || this.#established === undefined) return;
    if (!this.#isEstablished || this.#filling !== undefined || this.#stalled) {
      // Every waiting event is in the log, so dropping them is safe: the next catch-up reads them.
      if (this.#waiting.length >= maxWaitingBatches) this.#waiting = [];
      this.#waiting.push(events);
      return;
    }
    this.#take(events);
  }

  /**
   * Reads the log's head and delivers everything up to it that has not been delivered yet.
   * Resolves once that is done (or failed: the next call tries again).
   */
  async catchUp(): Promise<void> {
    await this.established;
    if (this.#closed) return;
    while (this.#filling !== undefined) await this.#filling;
    let head: number;
    try {
      head = await this.#options.store.latestId(this.#options.conversationId);
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'catching up with the log failed; retrying later');
      return;
    }
    this.#stalled = false;
    while (this.#filling !== undefined) await this.#filling;
    if (head > this.#lastId) await this.#fill(head);
    this.#drain();
  }

  close(): void {
    this.#closed = true;
    this.#waiting = [];
    clearTimeout(this.#retryTimer);
  }

  async #establish(): Promise<void> {
    for (;;) {
      if (this.#closed) return;
      try {
        const head = await this.#options.store.latestId(this.#options.conversationId);
        if (head > this.#lastId) this.#lastId = head;
        this.#isEstablished = true;
        this.#drain();
        return;
      } catch (error) {
        this.#options.logger.warn({ err: error }, 'reading the log head failed; retrying');
        await new Promise<void>((resolve) => {
          this.#retryTimer = setTimeout(resolve, this.#options.retryDelayMs ?? 1000);
          this.#retryTimer.unref();
        });
      }
    }
  }

  #take(events: readonly StoredEvent[]): void {
    const first = events.findIndex((event) => event.id > this.#lastId);
    if (first === -1) return;
    const fresh = first === 0 ? events : events.slice(first);
    const firstId = (fresh[0] as StoredEvent).id;
    if (firstId !== this.#lastId + 1) {
      // Something between went missing: read it from the log, then deliver this batch.
      this.#waiting.unshift(fresh);
      void this.#fill(firstId - 1).then(() => this.#drain());
      return;
    }
    this.#lastId = (fresh[fresh.length - 1] as StoredEvent).id;
    this.#options.deliver(fresh);
  }

  #drain(): void {
    while (
      this.#waiting.length > 0 &&
      this.#isEstablished &&
      this.#filling === undefined &&
      !this.#stalled &&
      !this.#closed
    ) {
      this.#take(this.#waiting.shift() as readonly StoredEvent[]);
    }
  }

  /** Reads and delivers ids lastId + 1 … `throughId` from the log. */
  #fill(throughId: number): Promise<void> {
    const filling = this.#readRange(throughId)
      .catch((error: unknown) => {
        this.#stalled = true;
        this.#options.logger.warn(
          { err: error },
          'reading missing events from the log failed; catching up later',
        );
      })
      .finally(() => {
        if (this.#filling === filling) this.#filling = undefined;
      });
    this.#filling = filling;
    return filling;
  }

  async #readRange(throughId: number): Promise<void> {
    const { store, conversationId } = this.#options;
    const startId = this.#lastId + 1;
    for await (const page of store.iteratePages(conversationId, { startId, endId: throughId })) {
      if (this.#closed) return;
      const fresh = page.events.filter((event) => event.id > this.#lastId);
      if (fresh.length === 0) continue;
      this.#lastId = (fresh[fresh.length - 1] as StoredEvent).id;
      this.#options.deliver(fresh);
    }
    if (this.#lastId < throughId && !this.#closed) {
      // Missing from the log too (the conversation was deleted meanwhile): never wait for them.
      this.#options.logger.warn(
        { from: this.#lastId + 1, through: throughId },
        'events announced but not in the log; skipping them',
      );
      this.#lastId = throughId;
    }
  }
}
