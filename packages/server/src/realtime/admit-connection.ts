import type { IncomingHttpHeaders } from 'node:http';
import { ParleyError } from '../shared/errors.js';
import { sessionApiKeysMatch } from '../shared/session-api-keys-match.js';
import type { RealtimeConversations } from './client-message-handler.js';
import { repeatedKey, type PresentedKey } from './connect-query.js';

/**
 * Names the user behind a connection (the app's UserAuth) from its upgrade request's headers (a
 * session cookie) and the key it presented (accounts mode: a personal API token).
 */
export type ResolveUser = (
  headers: IncomingHttpHeaders,
  presentedKey: string | undefined,
) => Promise<string>;

export interface AdmitConnectionOptions {
  conversations: RealtimeConversations;
  resolveUser: ResolveUser;
  /** The configured key; undefined → no key is required. */
  sessionApiKey: string | undefined;
  /** The key the client presented, if any; a repeated one never matches. */
  presentedKey: PresentedKey;
  conversationId: string;
  headers: IncomingHttpHeaders;
  /** Ask the conversation manager to start the agent loop unless it runs (Socket.IO connect). */
  startLoop: boolean;
  signal?: AbortSignal;
}

/**
 * Decides whether a connection may attach to a conversation, as upstream's connect handler does
 * (reference §2.3) but without its gaps: a missing key is a clean refusal, and an unknown or
 * foreign conversation is refused instead of being created. Resolves with the user id.
 *
 * @throws ParleyError `SESSION_API_KEY_INVALID`, `CONVERSATION_ID_INVALID`,
 *   `CONVERSATION_NOT_FOUND`, and when starting: `SETTINGS_NOT_FOUND`, `LLM_API_KEY_MISSING`.
 */
export async function admitConnection(options: AdmitConnectionOptions): Promise<string> {
  if (
    options.sessionApiKey !== undefined &&
    (options.presentedKey === repeatedKey ||
      !sessionApiKeysMatch(options.sessionApiKey, options.presentedKey))
  ) {
    throw new ParleyError('SESSION_API_KEY_INVALID', 'invalid_session_api_key');
  }
  const key = typeof options.presentedKey === 'string' ? options.presentedKey : undefined;
  const userId = await options.resolveUser(options.headers, key);
  const view = await options.conversations.get(userId, options.conversationId, options.signal);
  if (view === undefined) {
    throw new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
  }
  if (options.startLoop) {
    await options.conversations.start(userId, options.conversationId, options.signal);
  }
  return userId;
}
