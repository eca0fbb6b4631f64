import type { ConversationInfo } from '@parley/protocol';
import { defaultConversationTitle } from '../conversations/conversation-metadata.js';
import type { ConversationView } from '../conversations/conversation-service.js';

/**
 * Upstream's ConversationInfo JSON for one conversation. A conversation started on the V1 face
 * says `conversation_version: "V1"` and carries its `session_api_key` (upstream's shim for V1
 * conversations), so the stock web UI opens the V1 socket and calls the agent-server routes; one
 * started on the V0 face keeps Socket.IO. Both faces reach every conversation.
 */
export function toConversationInfo(
  { metadata, loop }: ConversationView,
  sessionKeyFor: (conversationId: string) => string,
): ConversationInfo {
  const active = loop.status !== 'STOPPED';
  const v1 = metadata.conversationVersion === 'V1';
  return {
    conversation_id: metadata.conversationId,
    title: metadata.title ?? defaultConversationTitle(metadata.conversationId),
    last_updated_at: metadata.lastUpdatedAt,
    status: loop.status,
    runtime_status: active ? loop.runtimeStatus : null,
    selected_repository: metadata.selectedRepository,
    selected_branch: metadata.selectedBranch,
    git_provider: metadata.gitProvider,
    trigger: metadata.trigger,
    num_connections: loop.numConnections,
    url: active ? `/api/conversations/${encodeURIComponent(metadata.conversationId)}` : null,
    session_api_key: v1 ? sessionKeyFor(metadata.conversationId) : null,
    created_at: metadata.createdAt,
    pr_number: metadata.prNumbers,
    conversation_version: v1 ? 'V1' : 'V0',
    sub_conversation_ids: [],
    llm_model: metadata.llmModel,
    accumulated_cost: metadata.accumulatedCost,
    prompt_tokens: metadata.promptTokens,
    completion_tokens: metadata.completionTokens,
    total_tokens: metadata.totalTokens,
  };
}
