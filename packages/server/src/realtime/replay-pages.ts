import type { EventStore, StoredEvent } from '../events/event-store.js';
import { abortable, abortedErrorFrom } from '../shared/abort.js';
import { AbortedError } from '../shared/errors.js';
import type { BudgetLease, BudgetPriority, ReplayBudget } from './replay-budget.js';
import { HeldPage, ReplayPage, type PageHold } from './replay-page.js';

/**
 * What a page costs the budget, in multiples of its stored size: the stored JSON, the parsed
 * events, each face's encoded frames (V1 buffers, Socket.IO frames) and the string the V1 encoding
 * passes through. Frames are shared by every connection the page is written to.
 */
export const replayPageCopies = 5;

export interface HoldOptions {
  priority: BudgetPriority;
  /** Fires when the connection went away: the hold ends at once. */
  signal: AbortSignal;
  /** Join only a page measured after this mark (a replay that found a stale empty end). */
  measuredAfter?: number;
}

export interface ReplayPagesOptions {
  eventStore: EventStore;
  budget: ReplayBudget;
  /** Events per page at most. */
  maxEvents: number;
  /** Stored bytes per page at most (a single bigger event is a page of its own). */
  maxBytes: number;
  /**
   * How long a page nobody holds is kept (with its share of the budget) for replays that reach it
   * later; given back at once when another replay waits for budget. 0: never kept.
   */
  retainMs: number;
}

/**
 * How many pages nobody holds a conversation keeps at most. More would let one long replay keep
 * the whole log (every page it released) for `retainMs`.
 */
export const keptPagesPerConversation = 2;

/** Why a dropped page's measurement, wait or read stopped (the abort reason of every drop). */
const pageDropped = new AbortedError('The replay page was dropped');

interface Entry {
  key: string;
  conversationId: string;
  measuredAt: number;
  ready: Promise<ReplayPage>;
  holders: number;
  lease: BudgetLease | undefined;
  /** Read in full: only such a page is kept once nobody holds it. */
  loaded: boolean;
  /** The page's stored size once read (0 before). */
  bytes: number;
  /** When the page was last kept without holders, on a counter of its own. */
  keptAt: number;
  /** Set while the page is kept without holders; it drops the page when it fires. */
  idleTimer: NodeJS.Timeout | undefined;
  /** Aborted when the last holder left: a measurement, wait or read still running stops. */
  abandon: AbortController;
}

/**
 * The pages replays read, shared: concurrent replays of the same conversation from the same id get
 * the same page (one read, one share of the budget, one encoding per face), so a storm of clients
 * replaying one log costs about one page, not one page per client. A page is measured first (ids
 * and sizes only), then holds `replayPageCopies` times its size of the budget from before it is
 * read until its last holder released it. It is then kept for `retainMs` for replays that reach
 * it later (a storm's clients arrive over seconds, and each re-read makes another page of garbage),
 * unless a replay waits for budget; then it is forgotten, and its memory is garbage. A
 * conversation keeps at most `keptPagesPerConversation` such pages, the biggest (re-reading a big
 * page is what a storm must not repeat; a long replay moving on through small ones keeps two).
 */
export class ReplayPages {
  readonly #options: ReplayPagesOptions;
  readonly #entries = new Map<string, Entry>();
  #clock = 0;
  #keptCount = 0;

  constructor(options: ReplayPagesOptions) {
    this.#options = options;
    options.budget.onPressure(() => {
      for (const entry of [...this.#entries.values()]) {
        if (entry.holders === 0 && entry.idleTimer !== undefined) this.#drop(entry);
      }
    });
  }

  /**
   * A mark on the clock that orders hub registrations and page measurements: a page measured
   * after a replay registered saw every event the hub will not deliver to that replay.
   */
  mark(): number {
    return ++this.#clock;
  }

  get budget(): ReplayBudget {
    return this.#options.budget;
  }

  /** Pages held now (for tests and metrics). */
  get heldCount(): number {
    return this.#entries.size;
  }

  /**
   * The page from `startId` (the next events at or after it), shared with every replay holding the
   * same range. Waits for its share of the budget (see `ReplayBudget.acquire`): rejects with
   * `SOCKET_REPLAY_BUSY` past the wait bound, or `AbortedError` when `signal` fires.
   */
  async hold(conversationId: string, startId: number, options: HoldOptions): Promise<PageHold> {
    const key = `${startId}:${conversationId}`;
    let entry = this.#entries.get(key);
    if (entry === undefined || entry.measuredAt <= (options.measuredAfter ?? -1)) {
      entry = this.#open(key, conversationId, startId, options.priority);
    }
    const held = entry;
    held.holders++;
    clearTimeout(held.idleTimer);
    held.idleTimer = undefined;
    let page: ReplayPage;
    try {
      page = await abortable(held.ready, options.signal);
    } catch (error) {
      this.#leave(held);
      throw error;
    }
    return new HeldPage(page, () => this.#leave(held));
  }

  #open(key: string, conversationId: string, startId: number, priority: BudgetPriority): Entry {
    const opened = {
      key,
      conversationId,
      bytes: 0,
      keptAt: 0,
      measuredAt: this.mark(),
      holders: 0,
      lease: undefined,
      loaded: false,
      idleTimer: undefined,
      abandon: new AbortController(),
    };
    const entry: Entry = Object.assign(opened, {
      ready: this.#load(opened, conversationId, startId, priority),
    });
    entry.ready.then(
      (page) => {
        entry.loaded = true;
        entry.bytes = page.bytes;
      },
      // A failed page is not shared with later replays; its holders each get the error.
      () => this.#forget(entry),
    );
    this.#entries.set(key, entry);
    return entry;
  }

  /** Measures the page, waits for its share of the budget, then reads it. */
  async #load(
    entry: Omit<Entry, 'ready'>,
    conversationId: string,
    startId: number,
    priority: BudgetPriority,
  ): Promise<ReplayPage> {
    const { eventStore, budget } = this.#options;
    const signal = entry.abandon.signal;
    const extent = await eventStore.measurePage(conversationId, {
      startId,
      maxEvents: this.#options.maxEvents,
      maxBytes: this.#options.maxBytes,
      signal,
    });
    const events: StoredEvent[] = [];
    const payloads: string[] = [];
    if (extent.count > 0) {
      const lease = await budget.acquire(extent.bytes * replayPageCopies, { priority, signal });
      if (signal.aborted) {
        // Granted just as the last holder left.
        lease.release();
        throw abortedErrorFrom(signal);
      }
      entry.lease = lease;
      for await (const read of eventStore.iteratePages(conversationId, {
        startId,
        endId: extent.endId,
        pageSize: extent.count,
        signal,
      })) {
        events.push(...read.events);
        payloads.push(...read.payloads);
      }
    }
    return new ReplayPage({
      conversationId,
      startId,
      endId: extent.endId,
      events,
      payloads,
      bytes: extent.bytes,
      reachedEnd: extent.reachedEnd,
      measuredAt: entry.measuredAt,
    });
  }

  #leave(entry: Entry): void {
    entry.holders--;
    if (entry.holders > 0) return;
    const keep =
      entry.loaded &&
      entry.lease !== undefined &&
      this.#options.retainMs > 0 &&
      this.#options.budget.waitingCount === 0 &&
      this.#entries.get(entry.key) === entry;
    if (!keep) {
      this.#drop(entry);
      return;
    }
    entry.keptAt = ++this.#keptCount;
    entry.idleTimer = setTimeout(() => this.#drop(entry), this.#options.retainMs);
    entry.idleTimer.unref();
    this.#keepBiggest(entry.conversationId);
  }

  /** Drops the smallest pages nobody holds past the conversation's `keptPagesPerConversation`. */
  #keepBiggest(conversationId: string): void {
    const kept = [...this.#entries.values()].filter(
      (entry) =>
        entry.conversationId === conversationId &&
        entry.holders === 0 &&
        entry.idleTimer !== undefined,
    );
    if (kept.length <= keptPagesPerConversation) return;
    // Biggest first; between equals the one kept last stays.
    kept.sort((a, b) => b.bytes - a.bytes || b.keptAt - a.keptAt);
    for (const entry of kept.slice(keptPagesPerConversation)) this.#drop(entry);
  }

  /** Forgets the page and gives back its share; a read still running stops. */
  #drop(entry: Entry): void {
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    this.#forget(entry);
    // With a reason made once: a reason made here (a DOMException) would capture this call's
    // stack, whose frames' receivers and closures (a hold, the entry) it keeps as long as the
    // signal lives, and with them the page.
    entry.abandon.abort(pageDropped);
    entry.lease?.release();
    entry.lease = undefined;
  }

  #forget(entry: Entry): void {
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
  }
}
