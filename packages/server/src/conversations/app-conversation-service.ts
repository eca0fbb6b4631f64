import {
  executionStatusForAgentState,
  v1UserMessageAction,
  type AppConversation,
  type AppConversationCountQuery,
  type AppConversationSearchQuery,
  type AppConversationStartRequest,
  type AppConversationStartTask,
  type AppConversationStartTaskSearchQuery,
  type SandboxInfo,
  type SandboxStatus,
} from '@parley/protocol';
import type { EventStore } from '../events/event-store.js';
import type { AgentLoopStatus } from './agent-loops.js';
import type { ConversationMetadata } from './conversation-metadata.js';
import type { ConversationService, ConversationView } from './conversation-service.js';
import type { ConversationSessionKeys } from './conversation-session-keys.js';
import type { ConversationFilter, ConversationStore } from './conversation-store.js';
import { ParleyError } from '../shared/errors.js';
import { latestAgentState } from './latest-agent-state.js';
import { appConversationStartTask, toStoredInstant } from './app-conversation-start-task.js';

export interface AppConversationServiceOptions {
  conversations: ConversationService;
  store: ConversationStore;
  eventStore: EventStore;
  sessionKeys: ConversationSessionKeys;
}

/**
 * The V1 app-server's conversations (upstream `app_conversation_router.py`, `sandbox_router.py`)
 * over the same conversations and logs as the V0 face: a conversation created here is a V0
 * conversation too (`conversation_version: "V1"` only tells the stock web UI which socket to
 * open), and every V0 conversation answers here. Parley starts a conversation at once, so a start
 * task is READY when `POST` answers; it is read back from the conversation it started (same id),
 * which is why only conversations created on this face have one. Each conversation is its own
 * sandbox (id = conversation id): pausing it stops its agent loop, resuming starts it. Every call
 * is scoped to the user, so another user's conversation reads as missing.
 */
export class AppConversationService {
  readonly #options: AppConversationServiceOptions;

  constructor(options: AppConversationServiceOptions) {
    this.#options = options;
  }

  async start(
    userId: string,
    request: AppConversationStartRequest,
    context: { viaApiKey: boolean; signal?: AbortSignal },
  ): Promise<AppConversationStartTask> {
    const message =
      request.initial_message == null || request.initial_message.content.length === 0
        ? undefined
        : v1UserMessageAction({ role: 'user', content: request.initial_message.content }).args;
    const { conversationId } = await this.#options.conversations.create(
      userId,
      {
        repository: request.selected_repository ?? null,
        git_provider: request.git_provider ?? null,
        selected_branch: request.selected_branch ?? null,
        initial_user_msg: message?.content ?? null,
        image_urls: message?.image_urls ?? [],
      },
      {
        viaApiKey: context.viaApiKey,
        ...(context.signal === undefined ? {} : { signal: context.signal }),
        metadata: {
          conversationVersion: 'V1',
          ...(request.title == null || request.title === '' ? {} : { title: request.title }),
          ...(request.trigger == null ? {} : { trigger: request.trigger }),
          prNumbers: request.pr_number,
          parentConversationId: request.parent_conversation_id ?? null,
        },
      },
    );
    const view = await this.#options.conversations.get(userId, conversationId);
    if (view === undefined) throw new Error('A started conversation vanished');
    return appConversationStartTask(view.metadata);
  }

  /** One task per id, null where the user has no conversation started on this face. */
  async startTasks(
    userId: string,
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<(AppConversationStartTask | null)[]> {
    const views = await this.#views(userId, ids, signal);
    return views.map((view) =>
      view?.metadata.conversationVersion === 'V1' ? appConversationStartTask(view.metadata) : null,
    );
  }

  async searchStartTasks(
    userId: string,
    query: AppConversationStartTaskSearchQuery,
    signal?: AbortSignal,
  ): Promise<{ items: AppConversationStartTask[]; next_page_id: string | null }> {
    const filter: ConversationFilter = { conversationVersion: 'V1' };
    if (query.conversation_id__eq !== undefined) filter.conversationId = query.conversation_id__eq;
    if (query.created_at__gte !== undefined) {
      filter.createdAtGte = toStoredInstant(query.created_at__gte);
    }
    const page = await this.#options.store.search(userId, {
      ...(query.page_id === undefined ? {} : { pageId: query.page_id }),
      limit: query.limit,
      filter,
      oldestFirst: query.sort_order === 'CREATED_AT' || query.sort_order === 'UPDATED_AT',
      ...(signal === undefined ? {} : { signal }),
    });
    return { items: page.results.map(appConversationStartTask), next_page_id: page.nextPageId };
  }

  /** One conversation per id, null where the user has none. */
  async batchGet(
    userId: string,
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<(AppConversation | null)[]> {
    const views = await this.#views(userId, ids, signal);
    return Promise.all(
      views.map((view) => (view === undefined ? null : this.#appConversation(view, signal))),
    );
  }

  async search(
    userId: string,
    query: AppConversationSearchQuery,
    signal?: AbortSignal,
  ): Promise<{ items: AppConversation[]; next_page_id: string | null }> {
    const { page, loops } = await this.#options.conversations.list(userId, {
      ...(query.page_id === undefined ? {} : { pageId: query.page_id }),
      limit: query.limit,
      filter: { ...filterFor(query), excludeSubConversations: !query.include_sub_conversations },
      ...(signal === undefined ? {} : { signal }),
    });
    const items = await Promise.all(
      page.results.map((metadata, index) =>
        this.#appConversation({ metadata, loop: loops[index] ?? stoppedLoop }, signal),
      ),
    );
    return { items, next_page_id: page.nextPageId };
  }

  count(userId: string, query: AppConversationCountQuery, signal?: AbortSignal): Promise<number> {
    return this.#options.store.count(
      userId,
      filterFor(query),
      signal === undefined ? {} : { signal },
    );
  }

  /** The sandboxes of the given ids that are the user's conversations (null elsewhere). */
  async sandboxes(
    userId: string,
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<(SandboxInfo | null)[]> {
    const views = await this.#views(userId, ids, signal);
    return views.map((view) =>
      view === undefined
        ? null
        : {
            id: view.metadata.conversationId,
            created_by_user_id: view.metadata.userId,
            sandbox_spec_id: 'parley-workspace',
            status: sandboxStatusFor(view.loop),
            session_api_key: this.#options.sessionKeys.keyFor(view.metadata.conversationId),
            exposed_urls: [],
            created_at: view.metadata.createdAt,
          },
    );
  }

  /** Pauses a sandbox: its conversation's agent loop stops. False when the user has none. */
  async pauseSandbox(userId: string, sandboxId: string, signal?: AbortSignal): Promise<boolean> {
    if (!(await this.#ownsSandbox(userId, sandboxId, signal))) return false;
    await this.#options.conversations.stop(userId, sandboxId, signal);
    return true;
  }

  /** Resumes a sandbox: its conversation's agent loop starts. False when the user has none. */
  async resumeSandbox(userId: string, sandboxId: string, signal?: AbortSignal): Promise<boolean> {
    if (!(await this.#ownsSandbox(userId, sandboxId, signal))) return false;
    await this.#options.conversations.start(userId, sandboxId, signal);
    return true;
  }

  /**
   * The agent-server's pause: the running turn stops (the agent state becomes `paused`); a
   * conversation with no running loop has nothing to pause.
   */
  async pause(userId: string, conversationId: string, signal?: AbortSignal): Promise<void> {
    const view = await this.#options.conversations.get(userId, conversationId, signal);
    if (view === undefined) throw conversationNotFound();
    if (view.loop.status === 'STOPPED') return;
    await this.#options.conversations.dispatchEvent(
      userId,
      conversationId,
      { action: 'change_agent_state', args: { agent_state: 'paused' } },
      signal,
    );
  }

  /**
   * The agent-server's run: the loop starts if it is not running, and the agent works on from
   * its history unless a turn is already under way.
   */
  async run(userId: string, conversationId: string, signal?: AbortSignal): Promise<void> {
    const view = await this.#options.conversations.get(userId, conversationId, signal);
    if (view === undefined) throw conversationNotFound();
    if (view.loop.status === 'STOPPED') {
      await this.#options.conversations.start(userId, conversationId, signal);
    }
    await this.#options.conversations.dispatchEvent(userId, conversationId, {
      action: 'change_agent_state',
      args: { agent_state: 'running' },
    });
  }

  /** The conversation a `session_api_key` names, or undefined for a key Parley did not issue. */
  conversationForSessionKey(key: string | undefined): string | undefined {
    return key === undefined ? undefined : this.#options.sessionKeys.conversationFor(key);
  }

  sessionKeyFor(conversationId: string): string {
    return this.#options.sessionKeys.keyFor(conversationId);
  }

  async #ownsSandbox(userId: string, sandboxId: string, signal?: AbortSignal): Promise<boolean> {
    return (await this.#options.conversations.get(userId, sandboxId, signal)) !== undefined;
  }

  async #views(
    userId: string,
    ids: readonly string[],
    signal?: AbortSignal,
  ): Promise<(ConversationView | undefined)[]> {
    const views: (ConversationView | undefined)[] = [];
    // One at a time: at most 99 ids, each a keyed read, and an abort stops the rest.
    for (const id of ids) views.push(await this.#options.conversations.get(userId, id, signal));
    return views;
  }

  async #appConversation(view: ConversationView, signal?: AbortSignal): Promise<AppConversation> {
    const { metadata, loop } = view;
    const sandboxStatus = sandboxStatusFor(loop);
    const running = sandboxStatus === 'RUNNING';
    const agentState = running
      ? await latestAgentState(this.#options.eventStore, metadata.conversationId, signal)
      : undefined;
    const active = sandboxStatus === 'RUNNING' || sandboxStatus === 'STARTING';
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
      session_api_key: this.#options.sessionKeys.keyFor(metadata.conversationId),
    };
  }
}

const stoppedLoop: AgentLoopStatus = { status: 'STOPPED', runtimeStatus: null, numConnections: 0 };

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

function filterFor(query: AppConversationCountQuery): ConversationFilter {
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

function conversationNotFound() {
  return new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
}
