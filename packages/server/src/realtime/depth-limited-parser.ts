import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import { jsonNestsDeeperThan, maximumJsonDepth } from '../shared/json-depth.js';

/**
 * The server-side event an over-deep EVENT packet becomes, with the reason as its one argument. A
 * symbol: no client can send it, since event names on the wire are strings or numbers.
 */
export const refusedMessage: unique symbol = Symbol('parley.refused-message');

/** The event `refusedMessage` adds to a socket's listen events. */
export interface RefusedMessageEvents {
  [refusedMessage]: (reason: string) => void;
}

export const tooDeepReason = `JSON nested deeper than ${maximumJsonDepth} levels`;

/** Where a string packet's JSON starts, and its namespace, read as socket.io-parser reads them. */
export interface PacketHeader {
  readonly namespace: string;
  /** The index after the header's namespace: only the ack id's digits may precede the JSON. */
  readonly jsonStart: number;
}

/**
 * Reads the header of a socket.io-parser string packet: one type digit, `<attachments>-` for the
 * binary types, then `/<namespace>,` when the next character is `/`. The ack id that may follow
 * holds digits (and, in socket.io-parser's reading, whitespace), never a quote or a bracket, so a
 * depth scan from `jsonStart` judges exactly the JSON that `JSON.parse` would be given. The
 * namespace may hold quotes and brackets: scanning it would let it hide nesting behind a quote.
 */
export function readPacketHeader(packet: string): PacketHeader {
  let index = 1;
  const type = packet.charAt(0);
  if (type === String(PacketType.BINARY_EVENT) || type === String(PacketType.BINARY_ACK)) {
    const dash = packet.indexOf('-', 1);
    if (dash === -1) return { namespace: '/', jsonStart: packet.length };
    index = dash + 1;
  }
  if (packet.charAt(index) !== '/') return { namespace: '/', jsonStart: index };
  const comma = packet.indexOf(',', index);
  if (comma === -1) return { namespace: packet.slice(index), jsonStart: packet.length };
  return { namespace: packet.slice(index, comma), jsonStart: comma + 1 };
}

/**
 * socket.io-parser's Decoder with a depth check before any JSON is parsed (R5). engine.io hands it
 * whole packets (a WebSocket message, or one record of a polling payload), so each string is
 * judged on its own. An EVENT packet whose arguments nest deeper than `maximumJsonDepth` (its JSON,
 * the argument array included, one level more) is not parsed: it is decoded as the `refusedMessage`
 * event on the same namespace, so the face answers it with an error frame and the connection
 * stays. Any other over-deep packet (a CONNECT's auth, an ACK, a binary event's placeholder) throws
 * before parsing, as a malformed packet does: socket.io closes that connection. Binary attachments
 * and every other packet go to the stock decoder unchanged.
 */
export class DepthLimitedDecoder extends Decoder {
  override add(chunk: unknown): void {
    if (typeof chunk === 'string') {
      const header = readPacketHeader(chunk);
      if (jsonNestsDeeperThan(chunk.slice(header.jsonStart), maximumJsonDepth + 1)) {
        if (chunk.charAt(0) !== String(PacketType.EVENT)) throw new Error(tooDeepReason);
        this.emitReserved('decoded', {
          type: PacketType.EVENT,
          nsp: header.namespace,
          data: [refusedMessage, tooDeepReason],
        });
        return;
      }
    }
    super.add(chunk);
  }
}

/**
 * The Socket.IO server's `parser` option: the stock Encoder (the wire format stays exactly
 * socket.io-parser's) and the depth-limited Decoder.
 */
export const depthLimitedParser = { Encoder, Decoder: DepthLimitedDecoder };
