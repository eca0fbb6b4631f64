/**
 * A status frame for a conversation's clients (reference §2.4): `{"status_update": true, "type",
 * "id", "message"}`, or a title change, which carries `conversation_title` and has no `id`.
 */
export interface StatusUpdate {
  type: 'info' | 'error';
  /** A runtime status or message id such as `STATUS$READY` or `AGENT_ERROR$TOO_MANY_CONVERSATIONS`. */
  id?: string;
  message: string;
  conversation_title?: string;
}

/**
 * What the conversation manager may tell a conversation's connected clients. The realtime layer
 * implements it; the manager depends only on this interface (conversations may not import realtime).
 * Status updates are not log events: they reach the clients connected now and are not replayed.
 */
export interface RealtimeNotifier {
  /** Sends a status update to every live Socket.IO client of the conversation, as `oh_event`. */
  sendStatusUpdate(conversationId: string, update: StatusUpdate): void;
  /** Upstream's title frame: `{"status_update":true,"type":"info","message":<id>,"conversation_title"}`. */
  sendTitleUpdate(conversationId: string, title: string): void;
  /** Closes every socket of the conversation (both faces), e.g. after it was closed or deleted. */
  disconnectConversation(conversationId: string): void;
  /** Sockets attached to the conversation now (upstream's `num_connections`). */
  connectionCount(conversationId: string): number;
}

/** Reaches nobody: the manager's notifier until the realtime layer is set. */
export const silentNotifier: RealtimeNotifier = {
  sendStatusUpdate: () => undefined,
  sendTitleUpdate: () => undefined,
  disconnectConversation: () => undefined,
  connectionCount: () => 0,
};

/** Upstream's notice to the clients of a conversation closed to make room for another. */
export const tooManyConversations: StatusUpdate = {
  type: 'error',
  id: 'AGENT_ERROR$TOO_MANY_CONVERSATIONS',
  message:
    'Too many conversations at once. If you are still using this one, try reactivating it by prompting the agent to continue',
};
