/**
 * Status frames sent while a conversation has no live Socket.IO client wait here for the first one,
 * as upstream's session waits up to `client_wait_timeout` (30 s) for a client before its first
 * send. Held frames expire after the wait and each conversation holds only the newest few, so a
 * conversation nobody watches costs next to nothing. Expired ones are swept at most once per wait
 * on a hold (so a hold costs O(1) amortised) and by an unref'd timer while any are held, so they
 * go even when no other frame follows.
 */
export interface PendingStatusFramesOptions {
  /** How long a frame waits for a client, in ms (upstream: 30 s). */
  waitMs?: number;
  /** Most frames held per conversation; older ones are dropped first. */
  maxPerConversation?: number;
  now?: () => number;
}

interface HeldFrame {
  payload: Record<string, unknown>;
  expiresAt: number;
}

export class PendingStatusFrames {
  readonly #waitMs: number;
  readonly #maxPerConversation: number;
  readonly #now: () => number;
  readonly #held = new Map<string, HeldFrame[]>();
  #lastSweepAt = -Infinity;
  #sweepTimer: NodeJS.Timeout | undefined;

  constructor(options: PendingStatusFramesOptions = {}) {
    this.#waitMs = options.waitMs ?? 30_000;
    this.#maxPerConversation = options.maxPerConversation ?? 20;
    this.#now = options.now ?? Date.now;
  }

  hold(conversationId: string, payload: Record<string, unknown>): void {
    const now = this.#now();
    const frames = this.#unexpired(conversationId, now);
    frames.push({ payload, expiresAt: now + this.#waitMs });
    if (frames.length > this.#maxPerConversation)
      frames.splice(0, frames.length - this.#maxPerConversation);
    this.#held.set(conversationId, frames);
    if (now - this.#lastSweepAt >= this.#waitMs) this.#sweep(now);
    this.#sweepLater();
  }

  /** The frames still waiting for this conversation, oldest first; they are handed out once. */
  take(conversationId: string): Record<string, unknown>[] {
    const frames = this.#unexpired(conversationId, this.#now());
    this.#held.delete(conversationId);
    return frames.map((frame) => frame.payload);
  }

  get conversationCount(): number {
    return this.#held.size;
  }

  #unexpired(conversationId: string, now: number): HeldFrame[] {
    return (this.#held.get(conversationId) ?? []).filter((frame) => frame.expiresAt > now);
  }

  /** Drops conversations whose frames all expired. */
  #sweep(now: number): void {
    this.#lastSweepAt = now;
    for (const [conversationId, frames] of this.#held) {
      if (frames.every((frame) => frame.expiresAt <= now)) this.#held.delete(conversationId);
    }
  }

  #sweepLater(): void {
    if (this.#sweepTimer !== undefined) return;
    this.#sweepTimer = setTimeout(() => {
      this.#sweepTimer = undefined;
      this.#sweep(this.#now());
      if (this.#held.size > 0) this.#sweepLater();
    }, this.#waitMs);
    this.#sweepTimer.unref();
  }
}
