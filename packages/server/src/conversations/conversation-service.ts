import {
  parseIncomingAction,
  type ActionEvent,
  type ConversationStatus,
  type InitSessionRequest,
} from '@parley/protocol';
import type {
  EventFilter,
  EventStore,
  SearchOptions,
  SearchResult,
  StoredEvent,
} from '../events/event-store.js';
import type { EventStreams } from '../events/event-streams.js';
import { ParleyError } from '../shared/errors.js';
import type { AgentLoopStatus, AgentLoops } from './agent-loops.js';
import { newConversationId, validateConversationId } from './conversation-id.js';
import type { ConversationMetadata, NewConversationMetadata } from './conversation-metadata.js';
import type {
  ConversationPage,
  ConversationSearch,
  ConversationStore,
} from './conversation-store.js';
import { triggerFor } from './conversation-trigger.js';
import { loopStartOptions, type LoadUserLlmContext } from './user-llm-context.js';

export interface ConversationView {
  metadata: ConversationMetadata;
  loop: AgentLoopStatus;
}

export interface EventPageRequest {
  startId: number;
  endId?: number | undefined;
  reverse: boolean;
  limit: number;
  signal?: AbortSignal;
}

export interface ConversationServiceOptions {
  conversations: ConversationStore;
  eventStore: EventStore;
  eventStreams: EventStreams;
  agentLoops: AgentLoops;
  /** The user's LLM, limits and secrets, read once per command. */
  loadLlmContext: LoadUserLlmContext;
  allowSetConversationId: boolean;
  /** Removes a deleted conversation's workspace (never throws). */
  removeWorkspace?: (conversationId: string) => Promise<void>;
}

/**
 * The conversation use cases behind the REST routes: create, list, read, start, stop, rename,
 * delete, read events and hand in client actions. Every call is scoped to a user; another user's
 * conversation behaves exactly like a missing one. A call's `signal` (a request's `clientGone`)
 * reaches every read and a command's first write; what follows a write already made takes none,
 * so a caller who leaves never leaves a command half done.
 */
export class ConversationService {
  readonly #options: ConversationServiceOptions;

  constructor(options: ConversationServiceOptions) {
    this.#options = options;
  }

  async create(
    userId: string,
    request: InitSessionRequest,
    context: {
      viaApiKey: boolean;
      signal?: AbortSignal;
      /** What the V1 face's start request sets beyond the V0 body (version, title, trigger …). */
      metadata?: Partial<NewConversationMetadata>;
    },
  ): Promise<{ conversationId: string; status: ConversationStatus }> {
    const { signal } = context;
    const user = await this.#options.loadLlmContext(userId, signal);
    const llm = user.llm();
    let conversationId = newConversationId();
    if (request.conversation_id != null && this.#options.allowSetConversationId) {
      conversationId = validateConversationId(request.conversation_id);
    }
    const metadata = await this.#options.conversations.create(
      {
        selectedRepository: request.repository ?? null,
        selectedBranch: request.selected_branch ?? null,
        gitProvider: request.git_provider ?? null,
        trigger: triggerFor(request, context.viaApiKey),
        llmModel: llm.model,
        maxBudgetPerTask: user.limits.maxBudgetPerTask ?? null,
        ...context.metadata,
        conversationId,
        userId,
      },
      { signal },
    );
    // Deliberately no signal from here: the conversation exists, so its loop starts whether or
    // not the caller is still there (a created conversation that never started would be half done).
    const initialText = request.initial_user_msg ?? undefined;
    const status = await this.#options.agentLoops.start(metadata, {
      ...loopStartOptions(user, llm),
      initialMessage:
        initialText === undefined || initialText === ''
          ? undefined
          : { content: initialText, imageUrls: request.image_urls ?? [] },
    });
    return { conversationId, status };
  }

  async list(
    userId: string,
    search: ConversationSearch,
  ): Promise<{ page: ConversationPage; loops: AgentLoopStatus[] }> {
    const page = await this.#options.conversations.search(userId, search);
    return {
      page,
      loops: page.results.map((metadata) =>
        this.#options.agentLoops.status(metadata.conversationId),
      ),
    };
  }

  async get(
    userId: string,
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<ConversationView | undefined> {
    validateConversationId(conversationId);
    const metadata = await this.#options.conversations.get(userId, conversationId, { signal });
    if (metadata === undefined) return undefined;
    return { metadata, loop: this.#options.agentLoops.status(conversationId) };
  }

  async start(
    userId: string,
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<ConversationStatus> {
    const metadata = await this.#require(userId, conversationId, signal);
    const user = await this.#options.loadLlmContext(userId, signal);
    // The signal guards the reads; the loop's start is the conversation's, not the caller's.
    return this.#options.agentLoops.start(metadata, loopStartOptions(user));
  }

  /** Resolves with whether a loop was running and the status afterwards. */
  async stop(
    userId: string,
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<{ wasRunning: boolean; status: ConversationStatus }> {
    await this.#require(userId, conversationId, signal);
    // Deliberately no signal: a stop asked for is carried out, caller or not.
    const wasRunning = await this.#options.agentLoops.stop(conversationId);
    return { wasRunning, status: this.#options.agentLoops.status(conversationId).status };
  }

  async rename(
    userId: string,
    conversationId: string,
    title: string,
    signal?: AbortSignal,
  ): Promise<void> {
    validateConversationId(conversationId);
    const updated = await this.#options.conversations.updateTitle(userId, conversationId, title, {
      signal,
    });
    if (!updated) throw notFound();
  }

  /** Resolves false when there was nothing of the user's to delete. */
  async delete(userId: string, conversationId: string, signal?: AbortSignal): Promise<boolean> {
    validateConversationId(conversationId);
    const metadata = await this.#options.conversations.get(userId, conversationId, { signal });
    if (metadata === undefined) return false;
    // Deliberately no signal from here: once the events are deleted the row must follow, or a
    // conversation would stay without its log.
    await this.#options.agentLoops.forget(conversationId);
    await this.#options.eventStreams.deleteConversation(conversationId);
    const deleted = await this.#options.conversations.delete(userId, conversationId);
    await this.#options.removeWorkspace?.(conversationId);
    return deleted;
  }

  async events(
    userId: string,
    conversationId: string,
    request: EventPageRequest,
  ): Promise<{ events: StoredEvent[]; hasMore: boolean }> {
    if (!(await this.#owns(userId, conversationId, request.signal))) throw notFound();
    const result = await this.#options.eventStore.search(conversationId, {
      startId: request.startId,
      endId: request.endId,
      reverse: request.reverse,
      limit: request.limit,
      // Streaming deltas are for clients that opt in over the sockets, never for REST pages.
      filter: { excludeTypes: ['StreamingDelta'] },
      signal: request.signal,
    });
    return { events: result.events, hasMore: result.hasMore };
  }

  /** Counts a conversation's events matching `filter`; 0 when the user has no such conversation. */
  async countEvents(
    userId: string,
    conversationId: string,
    filter: EventFilter,
    signal?: AbortSignal,
  ): Promise<number> {
    if (!(await this.#owns(userId, conversationId, signal))) return 0;
    return this.#options.eventStore.count(conversationId, filter, { signal });
  }

  /** Searches a conversation's events; nothing when the user has no such conversation. */
  async searchEvents(
    userId: string,
    conversationId: string,
    options: SearchOptions,
  ): Promise<SearchResult> {
    if (!(await this.#owns(userId, conversationId, options.signal))) {
      return { events: [], hasMore: false };
    }
    return this.#options.eventStore.search(conversationId, options);
  }

  /** Validates a raw client event dict (REST) and hands it to the conversation. */
  async dispatchEvent(
    userId: string,
    conversationId: string,
    input: unknown,
    signal?: AbortSignal,
  ): Promise<void> {
    const metadata = await this.#require(userId, conversationId, signal);
    await this.#dispatch(metadata, parseIncomingAction(input), signal);
  }

  /** Hands the conversation an action its caller already parsed (a socket's message). */
  async dispatchAction(
    userId: string,
    conversationId: string,
    action: ActionEvent,
    signal?: AbortSignal,
  ): Promise<void> {
    const metadata = await this.#require(userId, conversationId, signal);
    await this.#dispatch(metadata, action, signal);
  }

  async sendMessage(
    userId: string,
    conversationId: string,
    content: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const metadata = await this.#require(userId, conversationId, signal);
    const action = parseIncomingAction({ action: 'message', args: { content } });
    await this.#dispatch(metadata, action, signal);
  }

  /**
   * `signal` guards the reads. The hand-over takes none: an action taken is stored even if its
   * sender left (as the sockets' are), and a loop started for a message must not miss it.
   */
  async #dispatch(
    metadata: ConversationMetadata,
    action: ActionEvent,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const user = await this.#options.loadLlmContext(metadata.userId, signal);
    const { secrets } = user;
    const loops = this.#options.agentLoops;
    // A message to a conversation whose loop is not running starts it, so the agent answers.
    if (action.action === 'message' && loops.status(metadata.conversationId).status === 'STOPPED') {
      await loops.start(metadata, loopStartOptions(user));
    }
    await loops.dispatch(metadata, action, { secrets });
  }

  async #owns(userId: string, conversationId: string, signal?: AbortSignal): Promise<boolean> {
    validateConversationId(conversationId);
    return this.#options.conversations.owns(userId, conversationId, { signal });
  }

  async #require(
    userId: string,
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<ConversationMetadata> {
    validateConversationId(conversationId);
    const metadata = await this.#options.conversations.get(userId, conversationId, { signal });
    if (metadata === undefined) throw notFound();
    return metadata;
  }
}

function notFound(): ParleyError {
  return new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
}
