// A minimal WebSocket client (RFC 6455) for storms of many sockets receiving big messages: it
// never assembles a message. Each message reaches the handler as its size, its first bytes and its
// last bytes (or whole, when small), straight from the TCP chunks; nothing else is kept or copied.
// Text and binary data frames, fragmentation, ping/pong and close frames; no extensions.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A received message: whole when at most `wholeLimit` bytes, else its head and tail only. */
export interface LightMessage {
  /** Its size in bytes. */
  length: number;
  /** The whole message when it is small, else its first `headBytes` bytes. */
  head: Buffer;
  /** Its last `tailBytes` bytes (all of it when shorter). */
  tail: Buffer;
  whole: boolean;
}

export interface LightWebSocketHandlers {
  open(): void;
  message(message: LightMessage): void;
  /** The server's close frame (code 1005 when it had none), or 1006 when the TCP link just ended. */
  close(code: number, reason: string): void;
  error(error: Error): void;
}

const wholeLimit = 64 * 1024;
const headBytes = 256;
const tailBytes = 4;

export class LightWebSocket {
  readonly #socket: Socket;
  readonly #handlers: LightWebSocketHandlers;
  #handshake: Buffer | undefined = Buffer.alloc(0);
  #pending: Buffer = Buffer.alloc(0);
  /** Bytes left of the current frame's payload. */
  #payloadLeft = 0;
  #frameOpcode = 0;
  #frameFinal = false;
  /** The message being received. */
  #length = 0;
  #head: Buffer[] = [];
  #headLength = 0;
  #tail: Buffer = Buffer.alloc(0);
  #control: Buffer[] = [];
  #ended = false;

  constructor(url: string, handlers: LightWebSocketHandlers) {
    const target = new URL(url);
    this.#handlers = handlers;
    this.#socket = connect(Number(target.port || 80), target.hostname);
    this.#socket.setNoDelay(true);
    const key = randomBytes(16).toString('base64');
    this.#socket.on('connect', () => {
      this.#socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    this.#socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    this.#socket.on('error', (error) => this.#end(() => handlers.error(error)));
    this.#socket.on('close', () => this.#end(() => handlers.close(1006, '')));
  }

  /** Sends a text message (masked, as a client must). */
  send(text: string): void {
    if (this.#ended) return;
    this.#socket.write(maskedFrame(0x1, Buffer.from(text)));
  }

  /** Drops the TCP connection at once: no close frame. */
  terminate(): void {
    this.#ended = true;
    this.#socket.destroy();
  }

  #end(report: () => void): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#socket.destroy();
    report();
  }

  #receive(chunk: Buffer): void {
    if (this.#handshake !== undefined) {
      const received = Buffer.concat([this.#handshake, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        this.#handshake = received;
        return;
      }
      this.#handshake = undefined;
      const status = received.toString('latin1', 0, end).split('\r\n')[0] ?? '';
      if (!status.includes(' 101 ')) {
        this.#end(() => this.#handlers.error(new Error(`upgrade refused: ${status}`)));
        return;
      }
      this.#handlers.open();
      chunk = received.subarray(end + 4);
    }
    let offset = 0;
    while (offset < chunk.length && !this.#ended) {
      if (this.#payloadLeft > 0) {
        const take = Math.min(this.#payloadLeft, chunk.length - offset);
        this.#payload(chunk.subarray(offset, offset + take));
        offset += take;
        this.#payloadLeft -= take;
        if (this.#payloadLeft === 0) this.#frameEnd();
        continue;
      }
      // A frame header (2 to 10 bytes), possibly split across chunks.
      const buffer =
        this.#pending.length === 0
          ? chunk.subarray(offset)
          : Buffer.concat([this.#pending, chunk.subarray(offset)]);
      const header = readHeader(buffer);
      if (header === undefined) {
        this.#pending = Buffer.from(buffer);
        return;
      }
      this.#pending = Buffer.alloc(0);
      this.#frameOpcode = header.opcode;
      this.#frameFinal = header.final;
      this.#payloadLeft = header.payloadLength;
      if (this.#payloadLeft === 0) this.#frameEnd();
      chunk = buffer;
      offset = header.size;
    }
  }

  #payload(part: Buffer): void {
    if (this.#frameOpcode >= 0x8) {
      this.#control.push(Buffer.from(part));
      return;
    }
    this.#length += part.length;
    if (this.#headLength < wholeLimit) {
      this.#head.push(Buffer.from(part.subarray(0, wholeLimit - this.#headLength)));
      this.#headLength += Math.min(part.length, wholeLimit - this.#headLength);
    }
    this.#tail =
      part.length >= tailBytes
        ? Buffer.from(part.subarray(part.length - tailBytes))
        : Buffer.concat([this.#tail, part]).subarray(-tailBytes);
  }

  #frameEnd(): void {
    if (this.#frameOpcode >= 0x8) {
      const payload = Buffer.concat(this.#control);
      this.#control = [];
      if (this.#frameOpcode === 0x8) {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        const reason = payload.subarray(2).toString('utf8');
        this.#end(() => this.#handlers.close(code, reason));
      } else if (this.#frameOpcode === 0x9) {
        this.#socket.write(maskedFrame(0xa, payload));
      }
      return;
    }
    if (!this.#frameFinal) return;
    const head = Buffer.concat(this.#head);
    const whole = this.#length <= wholeLimit;
    const message = {
      length: this.#length,
      head: whole ? head : head.subarray(0, headBytes),
      tail: this.#tail,
      whole,
    };
    this.#length = 0;
    this.#head = [];
    this.#headLength = 0;
    this.#tail = Buffer.alloc(0);
    this.#handlers.message(message);
  }
}

function readHeader(
  buffer: Buffer,
): { size: number; opcode: number; final: boolean; payloadLength: number } | undefined {
  if (buffer.length < 2) return undefined;
  const first = buffer[0] as number;
  const second = buffer[1] as number;
  const masked = (second & 0x80) !== 0;
  let payloadLength = second & 0x7f;
  let size = 2;
  if (payloadLength === 126) {
    if (buffer.length < 4) return undefined;
    payloadLength = buffer.readUInt16BE(2);
    size = 4;
  } else if (payloadLength === 127) {
    if (buffer.length < 10) return undefined;
    payloadLength = Number(buffer.readBigUInt64BE(2));
    size = 10;
  }
  if (masked) throw new Error('a server frame must not be masked');
  return { size, opcode: first & 0x0f, final: (first & 0x80) !== 0, payloadLength };
}

function maskedFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('only short client frames are supported');
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let index = 0; index < payload.length; index++) {
    frame[6 + index] = (payload[index] as number) ^ (mask[index % 4] as number);
  }
  return frame;
}
