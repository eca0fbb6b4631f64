/**
 * A command's output within a byte cap. Up to `limitBytes` everything is kept and streamed; past
 * it the stream stops (one notice is streamed instead) and only the first and last half of the cap
 * are kept, so memory stays about 1.5 × the cap whatever the command prints.
 */
import { StringDecoder } from 'node:string_decoder';

export class OutputCapture {
  readonly #limitBytes: number;
  readonly #onOutput: ((chunk: string) => void) | undefined;
  readonly #decoders = new Map<string, StringDecoder>();
  #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  #totalBytes = 0;
  #noticeSent = false;

  constructor(limitBytes: number, onOutput?: (chunk: string) => void) {
    this.#limitBytes = Math.max(2, Math.floor(limitBytes));
    this.#onOutput = onOutput;
  }

  get truncated(): boolean {
    return this.#totalBytes > this.#limitBytes;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Bytes held in memory (head and tail); bounded by 1.5 × the cap plus one chunk. */
  get retainedBytes(): number {
    return this.#headBytes + this.#tailBytes;
  }

  /** Adds a chunk from the stream named `source` (each stream keeps its own UTF-8 decoder). */
  push(source: string, chunk: Buffer): void {
    const before = this.#totalBytes;
    this.#totalBytes += chunk.length;
    if (before < this.#limitBytes) {
      const kept = chunk.subarray(0, this.#limitBytes - before);
      this.#head.push(kept);
      this.#headBytes += kept.length;
      this.#stream(source, kept);
    }
    this.#keepTail(chunk);
    if (this.#totalBytes > this.#limitBytes) {
      if (!this.#noticeSent) {
        this.#noticeSent = true;
        this.#emit(`\n[output truncated: more than ${this.#limitBytes} bytes]\n`);
      }
    }
  }

  /** Flushes the decoders' partial characters to `onOutput`. */
  end(): void {
    if (this.#noticeSent) return;
    for (const decoder of this.#decoders.values()) this.#emit(decoder.end());
  }

  /** Everything, or head + notice + tail when over the cap. */
  text(): string {
    const head = Buffer.concat(this.#head, this.#headBytes);
    if (!this.truncated) return head.toString('utf8');
    const half = Math.floor(this.#limitBytes / 2);
    const headPart = head.subarray(0, characterStart(head, half));
    const tail = Buffer.concat(this.#tail, this.#tailBytes);
    let tailStart = Math.max(0, tail.length - half);
    while (tailStart < tail.length && isContinuationByte(tail[tailStart])) tailStart++;
    const omitted = this.#totalBytes - headPart.length - (tail.length - tailStart);
    return (
      headPart.toString('utf8') +
      `\n[... ${omitted} bytes of output omitted ...]\n` +
      tail.subarray(tailStart).toString('utf8')
    );
  }

  #keepTail(chunk: Buffer): void {
    const half = Math.floor(this.#limitBytes / 2);
    this.#tail.push(chunk);
    this.#tailBytes += chunk.length;
    while (this.#tail.length > 1 && this.#tailBytes - (this.#tail[0]?.length ?? 0) >= half) {
      this.#tailBytes -= this.#tail.shift()?.length ?? 0;
    }
    // One huge chunk: keep only its end.
    if (this.#tail.length === 1 && this.#tailBytes > half * 2) {
      const only = this.#tail[0] as Buffer;
      this.#tail = [Buffer.from(only.subarray(only.length - half))];
      this.#tailBytes = half;
    }
  }

  #stream(source: string, bytes: Buffer): void {
    if (this.#onOutput === undefined) return;
    let decoder = this.#decoders.get(source);
    if (decoder === undefined) {
      decoder = new StringDecoder('utf8');
      this.#decoders.set(source, decoder);
    }
    this.#emit(decoder.write(bytes));
  }

  #emit(text: string): void {
    if (text.length > 0) this.#onOutput?.(text);
  }
}

/** The largest index ≤ `index` that starts a UTF-8 character in `buffer`. */
function characterStart(buffer: Buffer, index: number): number {
  let position = Math.min(index, buffer.length);
  while (position > 0 && position < buffer.length && isContinuationByte(buffer[position])) {
    position--;
  }
  return position;
}

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}
