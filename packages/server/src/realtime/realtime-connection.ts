import type { StoredEvent } from '../events/event-store.js';
import type { RealtimeFaceName } from '../shared/metrics.js';

/** Why the server closes a connection. Each face maps it to its own close signal. */
export type ConnectionCloseReason =
  'slow consumer' | 'rate limited' | 'server shutting down' | 'conversation closed';

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
   * Sends one event read from the log during the replay (the face's replay rules). `storedPayload`
   * is the event's stored JSON, its V0 wire form, when the reader has it: a face that sends V0 JSON
   * may send it as it is instead of encoding the event again.
   */
  sendReplayed(event: StoredEvent, latestAgentStateId: number, storedPayload?: string): void;
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
