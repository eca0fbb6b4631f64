/** A realtime connection that records what it is sent, and the live path that feeds it. */
import type { StoredEvent } from '../../src/events/event-store.js';
import type {
  ConnectionCloseReason,
  LiveBroadcaster,
  RealtimeConnection,
} from '../../src/realtime/realtime-connection.js';
import type { ReplayPage } from '../../src/realtime/replay-page.js';

/**
 * A connection that records every id it is handed, which path it came by and which write batch it
 * was in. Each frame adds `bytesPerEvent` to its buffer until `read()` empties it, as a client that
 * reads in bursts.
 */
export class RecordingConnection implements RealtimeConnection {
  static #count = 0;
  readonly id = `recording-${++RecordingConnection.#count}`;
  readonly face = 'websocket' as const;
  readonly conversationId: string;
  readonly wantsDeltas = false;
  readonly sharesReplayFrames = true;
  closed = false;
  readonly received: { id: number; path: 'replayed' | 'live'; batch: number | undefined }[] = [];
  /** Ids per `batchWrites` call, in call order. */
  readonly batches: number[][] = [];
  /** The `latestAgentStateId` handed with each replayed frame. */
  readonly agentStateIds: number[] = [];
  /** The buffered bytes when each replayed frame was written. */
  readonly bufferedAtSend: number[] = [];
  live = false;
  #buffered = 0;
  #batch: number[] | undefined;
  #writeWaiters: (() => void)[] = [];

  constructor(
    conversationId: string,
    readonly bytesPerEvent = 0,
  ) {
    this.conversationId = conversationId;
  }

  batchWrites(send: () => void): void {
    if (this.#batch !== undefined) throw new Error('nested batch');
    this.#batch = [];
    try {
      send();
    } finally {
      this.batches.push(this.#batch);
      this.#batch = undefined;
    }
  }

  sendReplayed(page: ReplayPage, index: number, latestAgentStateId: number): void {
    const event = page.events[index] as StoredEvent;
    if (this.#batch === undefined) throw new Error('replayed frame outside a batch');
    this.agentStateIds.push(latestAgentStateId);
    this.bufferedAtSend.push(this.#buffered);
    this.#batch.push(event.id);
    this.#record(event, 'replayed');
  }

  sendLive(event: StoredEvent): void {
    this.#record(event, 'live');
  }

  enterLive(): void {
    this.live = true;
  }

  bufferedBytes(): number {
    return this.#buffered;
  }

  whenWritten(onWritten: () => void): void {
    if (this.#buffered === 0 || this.closed) onWritten();
    else this.#writeWaiters.push(onWritten);
  }

  /** The client reads everything waiting. */
  read(): void {
    this.#buffered = 0;
    const waiters = this.#writeWaiters;
    this.#writeWaiters = [];
    for (const waiter of waiters) waiter();
  }

  closeReason: ConnectionCloseReason | undefined;

  close(reason: ConnectionCloseReason): void {
    this.closed = true;
    this.closeReason = reason;
    this.read();
  }

  #record(event: StoredEvent, path: 'replayed' | 'live'): void {
    this.received.push({ id: event.id, path, batch: this.batches.length });
    this.#buffered += this.bytesPerEvent;
  }
}

/** The face's live path for recording connections. */
export const recordingBroadcaster: LiveBroadcaster = {
  face: 'websocket',
  broadcast(_conversationId, event, live) {
    for (const connection of live) connection.sendLive(event);
  },
  heartbeat() {},
};
