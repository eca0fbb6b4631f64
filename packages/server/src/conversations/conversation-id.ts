import { randomUUID } from 'node:crypto';
import { isStorableText } from '@parley/protocol';
import { ParleyError } from '../shared/errors.js';

export const maximumConversationIdLength = 100;

/**
 * Upstream's `validate_conversation_id`, with its messages: at most 100 characters, no NUL (nor a
 * lone surrogate), no
 * `..`, `/` or `\`, no control characters. Empty strings and spaces are allowed, as upstream.
 * Ids are only ever used as SQL values, never as file paths.
 */
export function validateConversationId(conversationId: string): string {
  if (conversationId.length > maximumConversationIdLength) {
    throw invalid('Conversation ID is too long');
  }
  // U+0000 (upstream's rule) or a lone surrogate, which the two databases store differently.
  if (!isStorableText(conversationId)) {
    throw invalid('Conversation ID contains invalid characters');
  }
  if (
    conversationId.includes('..') ||
    conversationId.includes('/') ||
    conversationId.includes('\\')
  ) {
    throw invalid('Conversation ID contains invalid path characters');
  }
  for (let index = 0; index < conversationId.length; index++) {
    if (conversationId.charCodeAt(index) < 0x20) {
      throw invalid('Conversation ID contains control characters');
    }
  }
  return conversationId;
}

/** A new id: a UUID4 in hex without dashes, as upstream. */
export function newConversationId(): string {
  return randomUUID().replaceAll('-', '');
}

function invalid(message: string): ParleyError {
  return new ParleyError('CONVERSATION_ID_INVALID', message);
}
