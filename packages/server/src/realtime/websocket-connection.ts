import type { WebSocket } from 'ws';
import type { StoredEvent } from '../events/event-store.js';
import type { ConnectionCloseReason, RealtimeConnection } from './realtime-connection.js';
import type { ReplayPage } from './replay-page.js';
import { encodeV1Event } from './v1-frames.js';
import { WriteTracker } from './write-tracker.js';

/** WebSocket close codes the V1 face uses. */
export const closeCodes = {
  goingAway: 1001,
  internalError: 1011,
  tryAgainLater: 1013,
  authenticationFailed: 4001,
  conversationNotFound: 4004,
  slowConsumer: 4008,
  policyViolation: 1008,
} as const;

const closeByReason: Readonly<Record<ConnectionCloseReason, number>> = {
  'slow consumer': closeCodes.slowConsumer,
  'rate limited': closeCodes.policyViolation,
  'server shutting down': closeCodes.goingAway,
  'conversation closed': closeCodes.goingAway,
  'server busy': closeCodes.tryAgainLater,
  'signed out': closeCodes.authenticationFailed,
};

/** The close reason text, when it is not the reason's own name (1013's usual wording). */
const closeTextByReason: Partial<Record<ConnectionCloseReason, string>> = {
  'server busy': 'try again later',
};

/** The part of `ws`'s underlying `net.Socket` (its private `_socket`) used to batch writes. */
interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

/** One V1 WebSocket client as a conversation hub sees it. */
export class WebSocketConnection implements RealtimeConnection {
  readonly face = 'websocket' as const;
  readonly id: string;
  readonly conversationId: string;
  readonly wantsDeltas: boolean;
  readonly sharesReplayFrames = true;
  readonly #socket: WebSocket;
  /** Made at the first replayed frame: an idle live connection needs none. */
  #writes: WriteTracker | undefined;
  #closed = false;

  constructor(
    socket: WebSocket,
    options: { id: string; conversationId: string; wantsDeltas: boolean },
  ) {
    this.#socket = socket;
    this.id = options.id;
    this.conversationId = options.conversationId;
    this.wantsDeltas = options.wantsDeltas;
  }

  get closed(): boolean {
    return this.#closed || this.#socket.readyState !== this.#socket.OPEN;
  }

  markClosed(): void {
    this.#closed = true;
    this.#writes?.closed();
  }

  sendReplayed(page: ReplayPage, index: number): void {
    // One buffer per event of the page, written by reference to every connection replaying it.
    const frame = page.frame('v1', index, () => encodeV1Event(page.events[index] as StoredEvent));
    if (frame === undefined || (frame.isDelta && !this.wantsDeltas) || this.closed) return;
    this.#writes ??= new WriteTracker();
    this.#socket.send(frame.data, { binary: false }, this.#writes.started());
  }

  whenWritten(onWritten: () => void): void {
    if (this.#writes === undefined || this.closed) onWritten();
    else this.#writes.whenWritten(onWritten);
  }

  sendLive(event: StoredEvent): void {
    const frame = encodeV1Event(event);
    if (frame === undefined || (frame.isDelta && !this.wantsDeltas)) return;
    this.sendEncoded(frame.data);
  }

  batchWrites(send: () => void): void {
    // `ws` corks the TCP socket around each frame only; corking around all of them makes one writev.
    const transport = (this.#socket as unknown as { _socket?: CorkableSocket })._socket;
    transport?.cork();
    try {
      send();
    } finally {
      transport?.uncork();
    }
  }

  /** Writes an already encoded frame (the same buffer goes to every connection). */
  sendEncoded(data: Buffer): void {
    if (this.closed) return;
    this.#socket.send(data, { binary: false });
  }

  enterLive(): void {
    // The hub lists this connection as live; its broadcasts reach it from now on.
  }

  bufferedBytes(): number {
    return this.#socket.bufferedAmount;
  }

  close(reason: ConnectionCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writes?.closed();
    this.#socket.close(closeByReason[reason], closeTextByReason[reason] ?? reason);
  }
}
