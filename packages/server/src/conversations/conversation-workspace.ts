/**
 * Which sandbox workspace belongs to a conversation. Conversation ids may hold characters a
 * workspace id may not (spaces, dots, up to 100 of almost anything), so the workspace id is the
 * SHA-256 of the conversation id in hex: always a valid workspace id, and two conversations never
 * share a workspace.
 */
import { createHash } from 'node:crypto';

export function workspaceIdFor(conversationId: string): string {
  return createHash('sha256').update(conversationId, 'utf8').digest('hex');
}
