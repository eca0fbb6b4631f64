import type { ConversationTrigger } from '@parley/protocol';

/** Upstream's ConversationMetadata, stored one row per conversation. */
export interface ConversationMetadata {
  conversationId: string;
  userId: string;
  title: string | null;
  selectedRepository: string | null;
  selectedBranch: string | null;
  gitProvider: string | null;
  trigger: ConversationTrigger | null;
  prNumbers: number[];
  /** ISO 8601 UTC. */
  createdAt: string;
  lastUpdatedAt: string | null;
  llmModel: string | null;
  accumulatedCost: number;
  maxBudgetPerTask: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  contextWindow: number;
  perTurnToken: number;
  sandboxId: string | null;
  conversationVersion: string;
  parentConversationId: string | null;
}

export type NewConversationMetadata = Pick<ConversationMetadata, 'conversationId' | 'userId'> &
  Partial<Omit<ConversationMetadata, 'conversationId' | 'userId'>>;

/** Upstream's default title: `Conversation` and the first five characters of the id. */
export function defaultConversationTitle(conversationId: string): string {
  return `Conversation ${conversationId.slice(0, 5)}`;
}
