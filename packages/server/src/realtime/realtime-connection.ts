import type { StoredEvent } from '../events/event-store.js';
import type { RealtimeFaceName } from '../shared/metrics.js';
import type { ReplayPage } from './replay-page.js';

/** Why the server closes a connection. Each face maps it to its own close signal. */
export type ConnectionCloseReason =
  | 'slow consumer'
  | 'rate limited'
  | 'server shutting down'
  | 'conversation closed'
  | 'server busy'
  /** The session or API token the connection signed in with was revoked (sign-out). */
  | 'signed out';

/**
 * One client connection as a conversation hub sees it, whatever its face. The hub decides when an
 * event goes out and through which path (replayed, drained after the replay, or broadcast live);
 * the connection only knows how to put it on its wire.
 */
export interface RealtimeConnection {
  readonly id: string;
  readonly face: RealtimeFaceName;
  readonly conversationId: string;
  /** The client asked for streaming deltas (`stream=true`). */
  readonly wantsDeltas: boolean;
  /** True once closed by either side; the hub forgets closed connections. */
  readonly closed: boolean;
  /**
   * Sends event `index` of a replay page (the face's replay rules). The face encodes it through
   * `page.frame`, so every connection replaying the page writes the same frame by reference; a
   * face that sends V0 JSON wraps the stored payload as it is instead of encoding the event again.
   */
  sendReplayed(page: ReplayPage, index: number, latestAgentStateId: number): void;
  /**
   * True when replayed frames are written by reference (one copy per page, whatever the number of
   * connections); false when this connection copies them (Socket.IO long-polling), so the replay
   * counts that copy against the budget too.
   */
  readonly sharesReplayFrames: boolean;
  /**
   * Calls `onWritten` once everything replayed to this connection so far has been handed to the
   * kernel (at once when nothing waits), or when the connection closes.
   */
  whenWritten(onWritten: () => void): void;
  /**
   * Runs `send` (any number of `sendReplayed` calls) with the connection's writes held back, then
   * hands them to the kernel together: one system call for a page of frames instead of one per
   * frame. Nothing is reordered or dropped, and `bufferedBytes` counts the held writes.
   */
  batchWrites(send: () => void): void;
  /** Sends one event that arrived live while this connection was replaying (the live rules). */
  sendLive(event: StoredEvent): void;
  /** From now on the face's broadcasts reach this connection (Socket.IO: join the rooms). */
  enterLive(): void;
  /** Bytes written to this connection and not yet handed to the kernel. */
  bufferedBytes(): number;
  close(reason: ConnectionCloseReason): void;
}

/**
 * Sends live events and heartbeats to the live connections of one face. Each call encodes its
 * payload once and writes that same string or buffer to every connection.
 */
export interface LiveBroadcaster {
  readonly face: RealtimeFaceName;
  broadcast(
    conversationId: string,
    event: StoredEvent,
    liveConnections: readonly RealtimeConnection[],
  ): void;
  heartbeat(
    conversationId: string,
    latestEventId: number,
    liveConnections: readonly RealtimeConnection[],
  ): void;
}
