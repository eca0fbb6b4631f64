/**
 * When each event reached a client: a watcher on a `ResumingClient` that calls back once per
 * received id (duplicates included), at the moment it arrived, for latency figures.
 */
import { performance } from 'node:perf_hooks';
import type { ResumingClient } from './stream-clients.js';

export type ArrivalListener = (id: number, content: string | undefined, at: number) => void;

/**
 * Calls `listener` for every id `client` receives from now on, in every later session. Uses the
 * client's change signal (notified synchronously after each received event), so `at` is exact.
 */
export function observeArrivals(client: ResumingClient, listener: ArrivalListener): void {
  const sessions = client.stream.sessions;
  let sessionIndex = Math.max(0, sessions.length - 1);
  let position = sessions[sessionIndex]?.ids.length ?? 0;
  const drain = (): boolean => {
    const at = performance.now();
    for (;;) {
      const session = sessions[sessionIndex];
      if (session === undefined) break;
      while (position < session.ids.length) {
        const id = session.ids[position] as number;
        position += 1;
        listener(id, session.contents.get(id), at);
      }
      if (sessionIndex >= sessions.length - 1) break;
      sessionIndex += 1;
      position = 0;
    }
    // Never satisfied: the watcher stays registered for the client's whole life.
    return false;
  };
  void client.changes.until(drain);
}

/**
 * Latency from a write to its arrival: `published` notes when each token was sent; arrivals whose
 * content carries a published token add one sample (first arrival per client and token only).
 */
export class TokenLatency {
  readonly samples: number[] = [];
  readonly #publishedAt = new Map<string, number>();
  readonly #pattern: RegExp;

  /** `pattern` finds a token in a received text (its first match is looked up). */
  constructor(pattern: RegExp) {
    this.#pattern = pattern;
  }

  published(token: string, at = performance.now()): void {
    this.#publishedAt.set(token, at);
  }

  /** Watches `client`; each of its first arrivals of a published token adds a sample. */
  watch(client: ResumingClient): void {
    const seen = new Set<string>();
    observeArrivals(client, (_id, content, at) => {
      if (content === undefined) return;
      const token = this.#pattern.exec(content)?.[0];
      if (token === undefined || seen.has(token)) return;
      const publishedAt = this.#publishedAt.get(token);
      if (publishedAt === undefined) return;
      seen.add(token);
      this.samples.push(at - publishedAt);
    });
  }
}
