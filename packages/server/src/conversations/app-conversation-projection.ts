import {
  executionStatusForAgentState,
  type AgentState,
  type AppConversation,
  type AppConversationCountQuery,
  type AppConversationStartTaskCountQuery,
  type SandboxStatus,
} from '@parley/protocol';
import type { AgentLoopStatus } from './agent-loops.js';
import { toStoredInstant } from './app-conversation-start-task.js';
import type { ConversationMetadata } from './conversation-metadata.js';
import type { ConversationView } from './conversation-service.js';
import type { ConversationFilter } from './conversation-store.js';

/**
 * A conversation as the V1 app-server's `AppConversation`: its row, plus the live part (the loop's
 * status as the sandbox's, the latest agent state as the sdk's execution status while it runs,
 * its URL while active, and its `session_api_key`).
 */
export function toAppConversation(
  { metadata, loop }: ConversationView,
  agentState: AgentState | undefined,
  sessionApiKey: string,
): AppConversation {
  const sandboxStatus = sandboxStatusFor(loop);
  const running = sandboxStatus === 'RUNNING';
  const active = running || sandboxStatus === 'STARTING';
  return {
    id: metadata.conversationId,
    created_by_user_id: metadata.userId,
    sandbox_id: metadata.conversationId,
    selected_repository: metadata.selectedRepository,
    selected_branch: metadata.selectedBranch,
    git_provider: metadata.gitProvider,
    title: metadata.title,
    trigger: metadata.trigger,
    pr_number: metadata.prNumbers,
    llm_model: metadata.llmModel,
    metrics: metricsOf(metadata),
    parent_conversation_id: metadata.parentConversationId,
    sub_conversation_ids: [],
    created_at: metadata.createdAt,
    updated_at: metadata.lastUpdatedAt ?? metadata.createdAt,
    sandbox_status: sandboxStatus,
    execution_status: running
      ? agentState === undefined
        ? 'idle'
        : executionStatusForAgentState(agentState)
      : null,
    conversation_url: active
      ? `/api/conversations/${encodeURIComponent(metadata.conversationId)}`
      : null,
    session_api_key: sessionApiKey,
  };
}
/** A loop's status as a sandbox's: a stopped loop is a paused sandbox (resume starts it). */
export function sandboxStatusFor(loop: AgentLoopStatus): SandboxStatus {
  switch (loop.status) {
    case 'RUNNING':
      return 'RUNNING';
    case 'STARTING':
      return 'STARTING';
    case 'ERROR':
      return 'ERROR';
    case 'ARCHIVED':
      return 'MISSING';
    default:
      return 'PAUSED';
  }
}

/** The conversations whose start tasks a task query asks for: those started on the V1 face. */
export function startTaskFilter(query: AppConversationStartTaskCountQuery): ConversationFilter {
  const filter: ConversationFilter = { conversationVersion: 'V1' };
  if (query.conversation_id__eq !== undefined) filter.conversationId = query.conversation_id__eq;
  if (query.created_at__gte !== undefined) {
    filter.createdAtGte = toStoredInstant(query.created_at__gte);
  }
  return filter;
}

export function conversationFilterFor(query: AppConversationCountQuery): ConversationFilter {
  const filter: ConversationFilter = {};
  if (query.title__contains !== undefined) filter.titleContains = query.title__contains;
  if (query.created_at__gte !== undefined) {
    filter.createdAtGte = toStoredInstant(query.created_at__gte);
  }
  if (query.created_at__lt !== undefined)
    filter.createdAtLt = toStoredInstant(query.created_at__lt);
  if (query.updated_at__gte !== undefined) {
    filter.updatedAtGte = toStoredInstant(query.updated_at__gte);
  }
  if (query.updated_at__lt !== undefined)
    filter.updatedAtLt = toStoredInstant(query.updated_at__lt);
  return filter;
}

/** The sdk's `MetricsSnapshot` from the conversation's running totals. */
function metricsOf(metadata: ConversationMetadata): Record<string, unknown> {
  return {
    model_name: metadata.llmModel ?? 'default',
    accumulated_cost: metadata.accumulatedCost,
    max_budget_per_task: metadata.maxBudgetPerTask,
    accumulated_token_usage: {
      model: metadata.llmModel ?? '',
      prompt_tokens: metadata.promptTokens,
      completion_tokens: metadata.completionTokens,
      cache_read_tokens: metadata.cacheReadTokens,
      cache_write_tokens: metadata.cacheWriteTokens,
      reasoning_tokens: metadata.reasoningTokens,
      context_window: metadata.contextWindow,
      per_turn_token: metadata.perTurnToken,
      response_id: '',
    },
  };
}
