/**
 * The server's live memory, not its garbage: a server started with `--inspect=127.0.0.1:0` is
 * asked over the inspector protocol for a full garbage collection (`HeapProfiler.collectGarbage`),
 * then for `process.memoryUsage()`. Heap used without that swings with the collector's schedule by
 * tens of MB, which would hide or invent a leak; RSS keeps garbage the collector promoted and has
 * not swept yet (V8 lets the old generation grow to a few times its live size between full
 * collections), so a memory bound judged on RSS would judge V8's heap-growth policy.
 */
import WebSocket from 'ws';
import { within } from './deadline.js';
import type { ServerProcess } from './server-process.js';

/** What a server needs in its node options for `liveHeapBytes` and `LiveMemorySampler`. */
export const inspectorOption = '--inspect=127.0.0.1:0';

/** Live memory after a full collection, in bytes. */
export interface LiveMemory {
  /** V8 heap in use. */
  readonly heapUsed: number;
  /** Memory outside the heap held by live objects (Buffers, ArrayBuffers). */
  readonly external: number;
}

/** One inspector connection to a server; requests are answered in order. */
class InspectorSession {
  readonly #socket: WebSocket;
  readonly #opened: Promise<void>;
  readonly #pending = new Map<number, (result: unknown) => void>();
  #nextId = 1;

  constructor(server: ServerProcess) {
    const url = /Debugger listening on (ws:\/\/\S+)/.exec(server.output)?.[1];
    if (url === undefined) throw new Error(`the server was not started with ${inspectorOption}`);
    this.#socket = new WebSocket(url);
    this.#opened = new Promise<void>((resolve, reject) => {
      this.#socket.once('open', () => resolve());
      this.#socket.once('error', reject);
    });
    this.#socket.on('message', (data) => {
      const answer = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (answer.id === undefined) return;
      this.#pending.get(answer.id)?.(answer.result);
      this.#pending.delete(answer.id);
    });
  }

  async request(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    await this.#opened;
    const id = this.#nextId++;
    const answered = new Promise<unknown>((resolve) => this.#pending.set(id, resolve));
    this.#socket.send(JSON.stringify({ id, method, params }));
    return within(answered, 60_000, `the inspector's answer to ${method}`);
  }

  /** A full collection, then the memory still in use. */
  async liveMemory(): Promise<LiveMemory> {
    await this.request('HeapProfiler.collectGarbage');
    const answer = (await this.request('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    const usage = JSON.parse(answer.result.value) as { heapUsed: number; external: number };
    return { heapUsed: usage.heapUsed, external: usage.external };
  }

  close(): void {
    this.#socket.close();
  }
}

/** The heap in use after a full collection, in bytes. */
export async function liveHeapBytes(server: ServerProcess): Promise<number> {
  const session = new InspectorSession(server);
  try {
    return (await session.liveMemory()).heapUsed;
  } finally {
    session.close();
  }
}

/**
 * Samples a server's live memory (heap used + external, each after a full collection) back to
 * back over one phase of a scenario; `stop` returns the peak. Each sample pauses the server for
 * its collection (a few ms), so it is for phases whose memory, not speed, is judged.
 */
export class LiveMemorySampler {
  readonly #session: InspectorSession;
  readonly #running: Promise<void>;
  #stopped = false;
  #peak = 0;
  #samples = 0;
  #onFirstSample: (() => void) | undefined;
  /** Resolves once the first sample is in: start the phase after it. */
  readonly ready: Promise<void>;

  constructor(server: ServerProcess) {
    this.#session = new InspectorSession(server);
    this.ready = new Promise<void>((resolve) => {
      this.#onFirstSample = resolve;
    });
    this.#running = this.#sampleUntilStopped();
  }

  async #sampleUntilStopped(): Promise<void> {
    do {
      const live = await this.#session.liveMemory();
      this.#peak = Math.max(this.#peak, live.heapUsed + live.external);
      this.#samples++;
      this.#onFirstSample?.();
    } while (!this.#stopped);
  }

  /** Takes one last sample; the peak (bytes) and how many samples it is the largest of. */
  async stop(): Promise<{ peakBytes: number; samples: number }> {
    this.#stopped = true;
    try {
      await this.#running;
    } finally {
      this.#session.close();
    }
    return { peakBytes: this.#peak, samples: this.#samples };
  }
}

/** Live memory (heap used + external after a full collection) once, in bytes. */
export async function liveMemoryBytes(server: ServerProcess): Promise<number> {
  const session = new InspectorSession(server);
  try {
    const live = await session.liveMemory();
    return live.heapUsed + live.external;
  } finally {
    session.close();
  }
}
