import type { ConversationTrigger } from '@parley/protocol';
import type { ConversationMetadata, NewConversationMetadata } from './conversation-metadata.js';

export interface ConversationSearch {
  /** Opaque cursor from a previous page (`next_page_id`). */
  pageId?: string;
  /** 1–100. */
  limit: number;
  selectedRepository?: string;
  trigger?: ConversationTrigger | string;
  signal?: AbortSignal;
}

export interface ConversationPage {
  results: ConversationMetadata[];
  nextPageId: string | null;
}

/** Conversation metadata, always scoped to its owner: another user's row reads as missing. */
export interface ConversationStore {
  create(
    metadata: NewConversationMetadata,
    options?: { signal?: AbortSignal },
  ): Promise<ConversationMetadata>;
  get(
    userId: string,
    conversationId: string,
    options?: { signal?: AbortSignal },
  ): Promise<ConversationMetadata | undefined>;
  /** Whether the user has this conversation: the cheap check for routes that need no metadata. */
  owns(
    userId: string,
    conversationId: string,
    options?: { signal?: AbortSignal },
  ): Promise<boolean>;
  /** Newest `created_at` first. */
  search(userId: string, search: ConversationSearch): Promise<ConversationPage>;
  /** Resolves false when the conversation is missing or not the user's. */
  updateTitle(
    userId: string,
    conversationId: string,
    title: string,
    options?: { signal?: AbortSignal },
  ): Promise<boolean>;
  delete(
    userId: string,
    conversationId: string,
    options?: { signal?: AbortSignal },
  ): Promise<boolean>;
}
