import type { SocketIoClientToServerEvents, SocketIoServerToClientEvents } from '@parley/protocol';
import type { Socket } from 'socket.io';
import * as webSocketModule from 'ws';
import type { StoredEvent } from '../events/event-store.js';
import type { RefusedMessageEvents } from './depth-limited-parser.js';
import type { ConnectionCloseReason, RealtimeConnection } from './realtime-connection.js';
import type { ReplayPage } from './replay-page.js';
import {
  v0LiveMessage,
  v0ReplayEventName,
  v0ReplayMessage,
  type SocketIoMessage,
} from './v0-event-rules.js';
import { WriteTracker } from './write-tracker.js';

/** What a client can send, plus the event the depth-limited decoder makes of an over-deep one. */
export type ParleyListenEvents = SocketIoClientToServerEvents & RefusedMessageEvents;

export type ParleySocket = Socket<ParleyListenEvents, SocketIoServerToClientEvents>;

/** The room of a conversation's live Socket.IO connections (upstream's name). */
export function eventRoom(conversationId: string): string {
  return `room:${conversationId}`;
}

/** The room of the live connections that also want streaming deltas. */
export function deltaRoom(conversationId: string): string {
  return `room:${conversationId}:deltas`;
}

/** The parts of engine.io's socket used to write and to measure what waits (not in its types). */
interface EngineSocketInternals {
  writeBuffer?: { data?: unknown }[];
  write(data: string, options: { wsPreEncodedFrame?: Buffer[] }, callback: () => void): void;
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

/** `ws`'s frame encoder (its `Sender.frame`, not in its types), as socket.io-adapter uses it. */
const frameEncoder = (
  webSocketModule as unknown as {
    Sender: {
      frame(
        data: Buffer,
        options: { readOnly: boolean; mask: boolean; rsv1: boolean; opcode: number; fin: boolean },
      ): Buffer[];
    };
  }
).Sender;

/** A replayed event as Socket.IO writes it: the EVENT packet and its finished WebSocket frame. */
interface PreEncodedEvent {
  /** `2["name",payload]`, for transports that encode packets themselves (long-polling). */
  packet: string;
  /** The frame of the engine.io message `42["name",payload]`, written as it is (header, data). */
  frame: Buffer[];
}

/**
 * Wraps an event's stored JSON (its V0 wire form, serializeEvent's output) in the Socket.IO EVENT
 * packet without serializing, walking (for binary) and stringifying the event again, and frames it
 * once for every WebSocket connection (as socket.io-adapter's broadcasts do). The frame's data is
 * written straight into one buffer: no intermediate string as long as the event.
 */
function preEncodedEvent(name: string, payload: string): PreEncodedEvent {
  const head = `42["${name}",`;
  const size = head.length + Buffer.byteLength(payload) + 1;
  const data = Buffer.allocUnsafe(size);
  data.write(head, 0, 'latin1');
  data.write(payload, head.length, 'utf8');
  data[size - 1] = 0x5d; // ]
  return {
    packet: `2["${name}",${payload}]`,
    frame: frameEncoder.frame(data, {
      readOnly: false,
      mask: false,
      rsv1: false,
      opcode: 1,
      fin: true,
    }),
  };
}

/** One Socket.IO client as a conversation hub sees it. */
export class SocketIoConnection implements RealtimeConnection {
  readonly face = 'socket.io' as const;
  readonly id: string;
  readonly conversationId: string;
  readonly wantsDeltas: boolean;
  readonly #socket: ParleySocket;
  readonly #onLive: (() => void) | undefined;
  /** Made at the first replayed frame: an idle live connection needs none. */
  #writes: WriteTracker | undefined;
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
    this.#writes?.closed();
  }

  /** Replayed frames are shared over a WebSocket; long-polling encodes its own payload strings. */
  get sharesReplayFrames(): boolean {
    return (this.#socket.conn as unknown as EngineSocketInternals).transport?.name === 'websocket';
  }

  sendReplayed(page: ReplayPage, index: number, latestAgentStateId: number): void {
    const event = page.events[index] as StoredEvent;
    const options = { wantsDeltas: this.wantsDeltas, latestAgentStateId };
    if (this.#socket.nsp.name !== '/') {
      this.#emit(v0ReplayMessage(event, options));
      return;
    }
    const name = v0ReplayEventName(event, options);
    if (name === undefined || this.closed) return;
    const encoded = page.frame(`socket.io ${name}`, index, () =>
      preEncodedEvent(name, page.payloads[index] as string),
    );
    this.#writes ??= new WriteTracker();
    const engine = this.#socket.conn as unknown as EngineSocketInternals;
    engine.write(encoded.packet, { wsPreEncodedFrame: encoded.frame }, this.#writes.started());
  }

  whenWritten(onWritten: () => void): void {
    if (this.#writes === undefined || this.closed) onWritten();
    else this.#writes.whenWritten(onWritten);
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
    this.#writes?.closed();
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
    if (reason === 'signed out') {
      this.#socket.emit('oh_event', {
        error: true,
        code: 'AUTH_REQUIRED',
        message: 'Signed out: the session or API token was revoked',
      });
    }
    if (reason === 'server busy') {
      // After the part of the replay already sent: the client knows why the stream ends here.
      this.#socket.emit('oh_event', {
        error: true,
        code: 'SOCKET_REPLAY_BUSY',
        message: 'The server is replaying too much at once; try again later',
      });
    }
    this.#socket.disconnect(true);
  }

  #emit(message: SocketIoMessage | undefined): void {
    if (message === undefined || this.#closed) return;
    this.#socket.emit(message.name, message.payload);
  }
}
