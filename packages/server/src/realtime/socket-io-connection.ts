import type { SocketIoClientToServerEvents, SocketIoServerToClientEvents } from '@parley/protocol';
import type { Socket } from 'socket.io';
import type { StoredEvent } from '../events/event-store.js';
import type { ConnectionCloseReason, RealtimeConnection } from './realtime-connection.js';
import {
  v0LiveMessage,
  v0ReplayEventName,
  v0ReplayMessage,
  type SocketIoMessage,
} from './v0-event-rules.js';

export type ParleySocket = Socket<SocketIoClientToServerEvents, SocketIoServerToClientEvents>;

/** The room of a conversation's live Socket.IO connections (upstream's name). */
export function eventRoom(conversationId: string): string {
  return `room:${conversationId}`;
}

/** The room of the live connections that also want streaming deltas. */
export function deltaRoom(conversationId: string): string {
  return `room:${conversationId}:deltas`;
}

/** The parts of engine.io's socket used to measure what waits to be sent (not in its types). */
interface EngineSocketInternals {
  writeBuffer?: { data?: unknown }[];
  transport?: {
    name?: string;
    socket?: { bufferedAmount?: number; terminate?: () => void; _socket?: CorkableSocket };
  };
  close(discard?: boolean): void;
}

/** The part of the TCP socket under `ws` (its private `_socket`) used to batch writes. */
interface CorkableSocket {
  cork(): void;
  uncork(): void;
  readonly writableCorked: number;
}

/** The TCP socket under an engine.io connection's WebSocket transport, if that is its transport. */
function tcpSocketOf(engineSocket: unknown): CorkableSocket | undefined {
  const transport = (engineSocket as EngineSocketInternals).transport;
  return transport?.name === 'websocket' ? transport.socket?._socket : undefined;
}

/**
 * engine.io writes the packets it has buffered in one synchronous loop (`flush` … `drain`), one `ws`
 * frame each. Corking the TCP socket around a loop of two or more packets (a replayed page, a burst
 * of live events) sends them in one writev; a lone packet is written as it is, uncorked. The engine
 * server announces every connection's flush and drain, so one pair of listeners serves them all.
 */
export function batchEngineFlushes(engineServer: {
  on(event: 'flush', listener: (engineSocket: unknown, buffer: unknown[]) => void): unknown;
  on(event: 'drain', listener: (engineSocket: unknown) => void): unknown;
}): void {
  engineServer.on('flush', (engineSocket, buffer) => {
    if (buffer.length > 1) tcpSocketOf(engineSocket)?.cork();
  });
  engineServer.on('drain', (engineSocket) => {
    const socket = tcpSocketOf(engineSocket);
    // ws corks and uncorks within one frame's write, so a cork still held here is the flush's.
    if (socket !== undefined && socket.writableCorked > 0) socket.uncork();
  });
}

/** socket.io's `Client#_packet` as broadcasts use it: an already encoded packet, written as it is. */
interface PreEncodedPacketWriter {
  _packet(encoded: string, options: { preEncoded: true }): void;
}

/** One Socket.IO client as a conversation hub sees it. */
export class SocketIoConnection implements RealtimeConnection {
  readonly face = 'socket.io' as const;
  readonly id: string;
  readonly conversationId: string;
  readonly wantsDeltas: boolean;
  readonly #socket: ParleySocket;
  readonly #onLive: (() => void) | undefined;
  #closed = false;

  constructor(
    socket: ParleySocket,
    options: { conversationId: string; wantsDeltas: boolean; onLive?: () => void },
  ) {
    this.#socket = socket;
    this.#onLive = options.onLive;
    this.id = `socket.io:${socket.id}`;
    this.conversationId = options.conversationId;
    this.wantsDeltas = options.wantsDeltas;
  }

  get closed(): boolean {
    return this.#closed || this.#socket.disconnected;
  }

  /** Called when the socket disconnected on its own. */
  markClosed(): void {
    this.#closed = true;
  }

  sendReplayed(event: StoredEvent, latestAgentStateId: number, storedPayload?: string): void {
    const options = { wantsDeltas: this.wantsDeltas, latestAgentStateId };
    if (storedPayload === undefined || this.#socket.nsp.name !== '/') {
      this.#emit(v0ReplayMessage(event, options));
      return;
    }
    // The stored JSON is the payload `emit` would encode (serializeEvent's output): write the
    // Socket.IO EVENT packet around it, as a broadcast's pre-encoded packet, without serializing,
    // walking (for binary) and stringifying the event again.
    const name = v0ReplayEventName(event, options);
    if (name === undefined || this.#closed) return;
    const client = this.#socket.client as unknown as PreEncodedPacketWriter;
    client._packet(`2["${name}",${storedPayload}]`, { preEncoded: true });
  }

  batchWrites(send: () => void): void {
    // While the first packet of a batch is being written, engine.io buffers the rest, then writes
    // them in one flush, which `batchEngineFlushes` corks: two writevs per batch.
    send();
  }

  sendLive(event: StoredEvent): void {
    const message = v0LiveMessage(event);
    if (message?.name === 'oh_delta' && !this.wantsDeltas) return;
    this.#emit(message);
  }

  enterLive(): void {
    // The in-memory adapter joins synchronously, so no broadcast can slip in before the join.
    void this.#socket.join(eventRoom(this.conversationId));
    if (this.wantsDeltas) void this.#socket.join(deltaRoom(this.conversationId));
    this.#onLive?.();
  }

  /** The underlying WebSocket's buffered bytes plus engine.io's own write buffer. */
  bufferedBytes(): number {
    const engine = this.#socket.conn as unknown as EngineSocketInternals;
    let total = engine.transport?.socket?.bufferedAmount ?? 0;
    for (const packet of engine.writeBuffer ?? []) {
      const data = packet.data;
      if (typeof data === 'string') total += data.length;
      else if (data instanceof Uint8Array) total += data.byteLength;
    }
    return total;
  }

  close(reason: ConnectionCloseReason): void {
    if (this.closed) return;
    this.#closed = true;
    const engine = this.#socket.conn as unknown as EngineSocketInternals;
    if (reason === 'slow consumer') {
      // The client is not reading, so a disconnect packet would wait behind megabytes: drop the
      // transport at once and free its buffers. The client reconnects with its latest id.
      const transport = engine.transport;
      if (transport?.name === 'websocket' && transport.socket?.terminate !== undefined) {
        transport.socket.terminate();
      } else {
        engine.close(true);
      }
      return;
    }
    this.#socket.disconnect(true);
  }

  #emit(message: SocketIoMessage | undefined): void {
    if (message === undefined || this.#closed) return;
    this.#socket.emit(message.name, message.payload);
  }
}
