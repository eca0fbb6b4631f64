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
  /** The V1 face's filters (`GET /api/v1/app-conversations/search` and `/count`). */
  filter?: ConversationFilter;
  /** Oldest first instead of newest first (the V1 start tasks' `CREATED_AT` order). */
  oldestFirst?: boolean;
}

/** Filters of the V1 face; instants are ISO 8601 UTC with milliseconds, as stored. */
export interface ConversationFilter {
  /** Only conversations created on this face (`V0` or `V1`). */
  conversationVersion?: string;
  conversationId?: string;
  /** Case-sensitive substring of the title. */
  titleContains?: string;
  createdAtGte?: string;
  createdAtLt?: string;
  updatedAtGte?: string;
  updatedAtLt?: string;
  /** Leave out conversations that have a parent. */
  excludeSubConversations?: boolean;
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
  /** How many of the user's conversations match `filter`. */
  count(
    userId: string,
    filter: ConversationFilter,
    options?: { signal?: AbortSignal },
  ): Promise<number>;
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
