import {
  v1UserMessageAction,
  type AppConversation,
  type AppConversationCountQuery,
  type AppConversationSearchQuery,
  type AppConversationStartRequest,
  type AppConversationStartTask,
  type AppConversationStartTaskCountQuery,
  type AppConversationStartTaskSearchQuery,
  type SandboxInfo,
} from '@parley/protocol';
import type { EventStore } from '../events/event-store.js';
import type { AgentLoopStatus } from './agent-loops.js';
import type { ConversationService, ConversationView } from './conversation-service.js';
import type { ConversationSessionKeys } from './conversation-session-keys.js';
import type { ConversationStore } from './conversation-store.js';
import { ParleyError } from '../shared/errors.js';
import { latestAgentState } from './latest-agent-state.js';
import {
  conversationFilterFor,
  sandboxStatusFor,
  startTaskFilter,
  toAppConversation,
} from './app-conversation-projection.js';
import { appConversationStartTask } from './app-conversation-start-task.js';

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
    const filter = startTaskFilter(query);
    const page = await this.#options.store.search(userId, {
      ...(query.page_id === undefined ? {} : { pageId: query.page_id }),
      limit: query.limit,
      filter,
      oldestFirst: query.sort_order === 'CREATED_AT' || query.sort_order === 'UPDATED_AT',
      ...(signal === undefined ? {} : { signal }),
    });
    return { items: page.results.map(appConversationStartTask), next_page_id: page.nextPageId };
  }

  countStartTasks(
    userId: string,
    query: AppConversationStartTaskCountQuery,
    signal?: AbortSignal,
  ): Promise<number> {
    return this.#options.store.count(
      userId,
      startTaskFilter(query),
      signal === undefined ? {} : { signal },
    );
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
      filter: {
        ...conversationFilterFor(query),
        excludeSubConversations: !query.include_sub_conversations,
      },
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
      conversationFilterFor(query),
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
    const running = sandboxStatusFor(view.loop) === 'RUNNING';
    const agentState = running
      ? await latestAgentState(this.#options.eventStore, view.metadata.conversationId, signal)
      : undefined;
    return toAppConversation(
      view,
      agentState,
      this.#options.sessionKeys.keyFor(view.metadata.conversationId),
    );
  }
}

const stoppedLoop: AgentLoopStatus = { status: 'STOPPED', runtimeStatus: null, numConnections: 0 };

function conversationNotFound() {
  return new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
}
