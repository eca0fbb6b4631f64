import type { WebSocket } from 'ws';
import type { StoredEvent } from '../events/event-store.js';
import type { ConnectionCloseReason, RealtimeConnection } from './realtime-connection.js';
import { encodeV1Event } from './v1-frames.js';

/** WebSocket close codes the V1 face uses. */
export const closeCodes = {
  goingAway: 1001,
  internalError: 1011,
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
  readonly #socket: WebSocket;
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
  }

  sendReplayed(event: StoredEvent): void {
    this.sendLive(event);
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
    this.#socket.close(closeByReason[reason], reason);
  }
}
