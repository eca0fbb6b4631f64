/**
 * Conversation state for the UI:
 * - `useConversationStream(options)`: a conversation's live state over the V1 socket (events in id
 *   order, streaming text, execution status, terminal, errors, history loading, metrics) plus
 *   `sendMessage`, `disconnect`, `reconnect`;
 * - `conversationStreamReducer` / `initialConversationStreamState`: the pure rules behind it.
 */
export { conversationStreamReducer, isV1EventLike, logIdNumber } from './conversation-stream';
export { initialConversationStreamState } from './conversation-stream-state';
export type {
  ConnectionState,
  ConversationStreamAction,
  ConversationStreamState,
  PartialReply,
  TerminalEntry,
} from './conversation-stream-state';
export {
  useConversationStream,
  defaultHeartbeatIntervalMs,
  heartbeatTolerance,
} from './use-conversation-stream';
export type {
  ConversationStream,
  SendMessageOptions,
  UseConversationStreamOptions,
} from './use-conversation-stream';
