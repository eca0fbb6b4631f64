import type { StoredEvent } from '../events/event-store.js';

/**
 * One page of a conversation's log as replays read it: the events, their stored JSON, and the
 * frames each face encodes from them, made once and written by reference to every connection
 * replaying the same range while the page is held.
 */
export class ReplayPage {
  readonly conversationId: string;
  readonly startId: number;
  /** The last id; `startId - 1` for an empty page. */
  readonly endId: number;
  readonly events: readonly StoredEvent[];
  /** Each event's stored JSON (its V0 wire form), index for index. */
  readonly payloads: readonly string[];
  /** The stored JSON's size, in bytes. */
  readonly bytes: number;
  /** Nothing followed the page when it was measured. */
  readonly reachedEnd: boolean;
  /** When the page was measured, on the `ReplayPages.mark()` clock. */
  readonly measuredAt: number;
  readonly #frames = new Map<string, unknown[]>();

  constructor(fields: {
    conversationId: string;
    startId: number;
    endId: number;
    events: readonly StoredEvent[];
    payloads: readonly string[];
    bytes: number;
    reachedEnd: boolean;
    measuredAt: number;
  }) {
    this.conversationId = fields.conversationId;
    this.startId = fields.startId;
    this.endId = fields.endId;
    this.events = fields.events;
    this.payloads = fields.payloads;
    this.bytes = fields.bytes;
    this.reachedEnd = fields.reachedEnd;
    this.measuredAt = fields.measuredAt;
  }

  /** The frame of event `index` in encoding `encoding`, made by `encode` the first time it is asked for. */
  frame<T>(encoding: string, index: number, encode: () => T): T {
    let frames = this.#frames.get(encoding);
    if (frames === undefined) {
      frames = new Array<unknown>(this.events.length);
      this.#frames.set(encoding, frames);
    }
    if (!(index in frames)) frames[index] = encode();
    return frames[index] as T;
  }
}

/**
 * A replay's use of a page; `release` once the page has been written and handed to the kernel.
 * A released hold lets go of its page: whatever still holds the hold (a closure, the options of a
 * replay, the stack captured by an abort's `DOMException`) does not keep the page alive.
 */
export interface PageHold {
  /** The page; throws once released. */
  readonly page: ReplayPage;
  release(): void;
}

/** A hold of a page; `ReplayPages` gives one to each replay that asks for the page. */
export class HeldPage implements PageHold {
  #page: ReplayPage | undefined;
  /** Cleared on release with the page: it closes over the shared entry, which holds the page too. */
  #onRelease: (() => void) | undefined;

  constructor(page: ReplayPage, onRelease: () => void) {
    this.#page = page;
    this.#onRelease = onRelease;
  }

  get page(): ReplayPage {
    if (this.#page === undefined) throw new Error('this replay page was released');
    return this.#page;
  }

  release(): void {
    const onRelease = this.#onRelease;
    if (onRelease === undefined) return;
    this.#page = undefined;
    this.#onRelease = undefined;
    onRelease();
  }
}
