/**
 * The Socket.IO (V0) event maps, for typed servers and clients (reference §2.4, §2.5). Payloads
 * are upstream's event JSON (`serializeEvent`), status updates or error frames.
 */

/** A serialized event, a `status_update` frame or an `{"error": true, "message"}` frame. */
export type SocketIoEventPayload = Record<string, unknown>;

export interface SocketIoHeartbeat {
  /** The newest id in the conversation's log as the server knows it; -1 for an empty log. */
  latest_event_id: number;
}

/** What the server sends. `oh_delta` and `oh_heartbeat` are Parley's additions. */
export interface SocketIoServerToClientEvents {
  oh_event: (payload: SocketIoEventPayload) => void;
  /** Streaming deltas, only to clients that connected with `stream=true`. */
  oh_delta: (payload: SocketIoEventPayload) => void;
  oh_heartbeat: (heartbeat: SocketIoHeartbeat) => void;
}

/** What a client sends: an action dict such as `{"action":"message","args":{"content":"hi"}}`. */
export interface SocketIoClientToServerEvents {
  oh_user_action: (action: unknown) => void;
  /** The legacy name; identical to `oh_user_action`. */
  oh_action: (action: unknown) => void;
}
