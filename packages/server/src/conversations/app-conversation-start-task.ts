import { isoForParsing, type AppConversationStartTask } from '@parley/protocol';
import type { ConversationMetadata } from './conversation-metadata.js';

/**
 * The start task of a conversation started on the V1 face. Parley starts a conversation before
 * `POST /api/v1/app-conversations` answers, so the task is READY from the first answer, and it
 * is read back from the conversation itself: the task's id is the conversation's, and its
 * `request` holds what the conversation kept of the start request.
 */
export function appConversationStartTask(metadata: ConversationMetadata): AppConversationStartTask {
  return {
    id: metadata.conversationId,
    created_by_user_id: metadata.userId,
    status: 'READY',
    detail: null,
    app_conversation_id: metadata.conversationId,
    sandbox_id: metadata.conversationId,
    agent_server_url: null,
    request: {
      sandbox_id: null,
      initial_message: null,
      processors: [],
      llm_model: metadata.llmModel,
      selected_repository: metadata.selectedRepository,
      selected_branch: metadata.selectedBranch,
      git_provider: metadata.gitProvider,
      title: metadata.title,
      trigger: metadata.trigger,
      pr_number: metadata.prNumbers,
      parent_conversation_id: metadata.parentConversationId,
      agent_type: 'default',
    },
    created_at: metadata.createdAt,
    updated_at: metadata.createdAt,
  };
}

/** A query's instant as the stores compare them: ISO 8601 UTC with milliseconds. */
export function toStoredInstant(value: string): string {
  return new Date(isoForParsing(value)).toISOString();
}
