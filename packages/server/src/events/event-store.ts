import type { ParleyEvent } from '@parley/protocol';

/** An event as the log holds it: id and timestamp are always set. */
export type StoredEvent = ParleyEvent & { id: number; timestamp: string };

/** An event handed to `append`: no id yet (the log assigns it); any timestamp is replaced. */
export type NewEvent = ParleyEvent;

/**
 * Upstream's EventFilter (reference §4.3); every criterion is ANDed.
 * Type names are upstream class names such as `MessageAction` or `AgentStateChangedObservation`.
 */
export interface EventFilter {
  /** Case-insensitive substring of the event's JSON. */
  query?: string;
  includeTypes?: readonly string[];
  excludeTypes?: readonly string[];
  /** `agent` | `user` | `environment`; an event without a source never matches. */
  source?: string;
  /** ISO timestamps compared as strings, both inclusive. */
  startDate?: string;
  endDate?: string;
  excludeHidden?: boolean;
}

export interface SearchOptions {
  /** First id (default 0). */
  startId?: number;
  /** Last id, inclusive (default: the latest). */
  endId?: number;
  /** Newest first: iterate from endId down to startId. */
  reverse?: boolean;
  filter?: EventFilter;
  /** At most this many events (a positive integer); undefined means no limit. */
  limit?: number;
  signal?: AbortSignal;
}

export interface SearchResult {
  events: StoredEvent[];
  /** True when more matching events exist past the last one returned. */
  hasMore: boolean;
}

export interface IterateOptions extends Omit<SearchOptions, 'limit'> {
  /** Rows read per query (default 500). */
  pageSize?: number;
}

/** One page of the log as `iteratePages` hands it out. */
export interface StoredEventPage {
  events: readonly StoredEvent[];
  /**
   * Each event's stored JSON, index for index: its V0 wire form, equal to
   * `JSON.stringify(serializeEvent(event))`, so a reader can send it without encoding it again.
   */
  payloads: readonly string[];
}

/** How far one page of a forward read reaches (`EventStore.measurePage`). */
export interface PageExtent {
  /** The page's last id; `startId - 1` when the page is empty. */
  endId: number;
  /** Events in the page. */
  count: number;
  /** The size of their stored JSON, in bytes (UTF-8). */
  bytes: number;
  /** No event followed the page when it was measured. */
  reachedEnd: boolean;
}

export interface MeasurePageOptions {
  /** The page's first id (it starts at the first event at or after it). */
  startId: number;
  /** At most this many events … */
  maxEvents: number;
  /** … whose stored JSON adds up to at most this many bytes; the first event counts whatever its size. */
  maxBytes: number;
  signal?: AbortSignal;
}

export interface OperationOptions {
  signal?: AbortSignal;
}

/**
 * Which lease generation an append belongs to (an agent loop's appends in a cluster). The store
 * checks it inside the committing transaction and refuses the append with
 * `CONVERSATION_LEASE_LOST` once the conversation's lease has a newer generation.
 */
export interface AppendFence {
  generation: number;
}

export interface AppendOptions extends OperationOptions {
  fence?: AppendFence | undefined;
}

/** Called synchronously after each commit, in commit order, before any append promise resolves. */
export type CommitListener = (conversationId: string, events: readonly StoredEvent[]) => void;

/** The durable per-conversation append-only log. */
export interface EventStore {
  /**
   * Appends events to one conversation. Ids are assigned in order, gap-free; the promise resolves
   * only after the transaction committed. An abort before the write starts rejects and writes nothing.
   */
  append(
    conversationId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<StoredEvent[]>;
  search(conversationId: string, options?: SearchOptions): Promise<SearchResult>;
  /** Reads any range page by page, yielding to the event loop between pages. */
  iterate(conversationId: string, options?: IterateOptions): AsyncIterable<StoredEvent>;
  /**
   * The same as `iterate`, one page at a time (never an empty one), for a reader that handles a
   * page at once; it still yields to the event loop between pages.
   */
  iteratePages(conversationId: string, options?: IterateOptions): AsyncIterable<StoredEventPage>;
  /**
   * Measures the next page of a forward read without reading its events: which ids it covers
   * when it may hold `maxEvents` events and `maxBytes` bytes of stored JSON, so a reader can
   * reserve memory before it reads (the range is then read with `iteratePages` and `endId`).
   */
  measurePage(conversationId: string, options: MeasurePageOptions): Promise<PageExtent>;
  get(
    conversationId: string,
    id: number,
    options?: OperationOptions,
  ): Promise<StoredEvent | undefined>;
  /** The latest id, or -1 for an empty conversation. */
  latestId(conversationId: string, options?: OperationOptions): Promise<number>;
  count(conversationId: string, filter?: EventFilter, options?: OperationOptions): Promise<number>;
  /** Removes every event of a conversation; resolves to the number removed. */
  deleteConversation(conversationId: string, options?: OperationOptions): Promise<number>;
  /** Registers a listener for committed events; returns a function that removes it. */
  onCommit(listener: CommitListener): () => void;
  /** Waits until every accepted append has committed or failed. */
  flush(): Promise<void>;
  /**
   * Resolves once every append accepted before the call has committed or failed and its commit
   * listeners have run (appends accepted later do not hold it up, unlike `flush`).
   */
  settled(): Promise<void>;
  /**
   * Drops what the store keeps in memory about a conversation (the next id it would assign); its
   * next append reads that from the database again. For the owner of per-conversation state.
   */
  forget(conversationId: string): void;
  /** Flushes, then refuses further appends. Does not close the database. */
  close(): Promise<void>;
}
