import {
  parseIncomingAction,
  type ActionEvent,
  type ConversationStatus,
  type ConversationTrigger,
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
import { urlCredentials } from '../shared/secret-registry.js';
import type { AgentLoopStatus, AgentLoops, LlmChoice, TurnLimits } from './agent-loops.js';
import { newConversationId, validateConversationId } from './conversation-id.js';
import type { ConversationMetadata } from './conversation-metadata.js';
import type {
  ConversationPage,
  ConversationSearch,
  ConversationStore,
} from './conversation-store.js';
import type { SecretsStore } from './secrets-store.js';
import type { SettingsStore, StoredSettings } from './settings-store.js';

/** The server's default LLM (from configuration). */
export interface DefaultLlm {
  model: string;
  apiKey: string | undefined;
  baseUrl: string | undefined;
}

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
  settings: SettingsStore;
  secrets: SecretsStore;
  eventStore: EventStore;
  eventStreams: EventStreams;
  agentLoops: AgentLoops;
  defaultLlm: DefaultLlm;
  allowSetConversationId: boolean;
}

/** Models that upstream lets run without an API key. */
/** Models that run without an API key: the offline demo, and providers upstream exempts. */
const keylessModelPrefixes = ['bedrock/', 'lemonade/', 'ollama/'];

/**
 * The conversation use cases behind the REST routes: create, list, read, start, stop, rename,
 * delete, read events and hand in client actions. Every call is scoped to a user; another user's
 * conversation behaves exactly like a missing one.
 */
export class ConversationService {
  readonly #options: ConversationServiceOptions;

  constructor(options: ConversationServiceOptions) {
    this.#options = options;
  }

  async create(
    userId: string,
    request: InitSessionRequest,
    context: { viaApiKey: boolean; signal?: AbortSignal },
  ): Promise<{ conversationId: string; status: ConversationStatus }> {
    const llm = await this.#llmFor(userId, context.signal);
    let conversationId = newConversationId();
    if (request.conversation_id != null && this.#options.allowSetConversationId) {
      conversationId = validateConversationId(request.conversation_id);
    }
    const metadata = await this.#options.conversations.create({
      conversationId,
      userId,
      selectedRepository: request.repository ?? null,
      selectedBranch: request.selected_branch ?? null,
      gitProvider: request.git_provider ?? null,
      trigger: triggerFor(request, context.viaApiKey),
      llmModel: llm.model,
      maxBudgetPerTask: (await this.#limitsFor(userId, context.signal)).maxBudgetPerTask ?? null,
    });
    const initialText = request.initial_user_msg ?? undefined;
    const status = await this.#options.agentLoops.start(metadata, {
      llm,
      secrets: await this.#secretsFor(userId, context.signal),
      limits: await this.#limitsFor(userId, context.signal),
      initialMessage:
        initialText === undefined || initialText === ''
          ? undefined
          : { content: initialText, imageUrls: request.image_urls ?? [] },
      signal: context.signal,
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
    return this.#options.agentLoops.start(metadata, {
      llm: await this.#llmFor(userId, signal),
      secrets: await this.#secretsFor(userId, signal),
      limits: await this.#limitsFor(userId, signal),
      signal,
    });
  }

  /** Resolves with whether a loop was running and the status afterwards. */
  async stop(
    userId: string,
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<{ wasRunning: boolean; status: ConversationStatus }> {
    await this.#require(userId, conversationId, signal);
    const wasRunning = await this.#options.agentLoops.stop(conversationId, { signal });
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
    await this.#options.agentLoops.forget(conversationId);
    await this.#options.eventStreams.deleteConversation(conversationId);
    return this.#options.conversations.delete(userId, conversationId, { signal });
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

  /** Validates a raw client event dict and hands it to the conversation. */
  async dispatchEvent(
    userId: string,
    conversationId: string,
    input: unknown,
    signal?: AbortSignal,
  ): Promise<void> {
    const metadata = await this.#require(userId, conversationId, signal);
    const action = parseIncomingAction(input);
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

  async #dispatch(
    metadata: ConversationMetadata,
    action: ActionEvent,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const secrets = await this.#secretsFor(metadata.userId, signal);
    const loops = this.#options.agentLoops;
    // A message to a conversation whose loop is not running starts it, so the agent answers.
    if (action.action === 'message' && loops.status(metadata.conversationId).status === 'STOPPED') {
      const llm = await this.#llmFor(metadata.userId, signal);
      const limits = await this.#limitsFor(metadata.userId, signal);
      await loops.start(metadata, { llm, secrets, limits, signal });
    }
    await loops.dispatch(metadata, action, { secrets, signal });
  }

  async #owns(
    userId: string,
    conversationId: string,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    validateConversationId(conversationId);
    return this.#options.conversations.owns(userId, conversationId, { signal });
  }

  async #require(
    userId: string,
    conversationId: string,
    signal: AbortSignal | undefined,
  ): Promise<ConversationMetadata> {
    validateConversationId(conversationId);
    const metadata = await this.#options.conversations.get(userId, conversationId, { signal });
    if (metadata === undefined) throw notFound();
    return metadata;
  }

  /** The LLM a new turn would use; refuses when there is none or it lacks a key. */
  /** The user's max_iterations and max_budget_per_task settings, when set. */
  async #limitsFor(userId: string, signal: AbortSignal | undefined): Promise<TurnLimits> {
    const fields = (await this.#options.settings.load(userId, { signal }))?.fields;
    return {
      maxIterations: fields?.max_iterations ?? undefined,
      maxBudgetPerTask: fields?.max_budget_per_task ?? undefined,
    };
  }

  async #llmFor(userId: string, signal: AbortSignal | undefined): Promise<LlmChoice> {
    const settings = await this.#options.settings.load(userId, { signal });
    return chooseLlm(settings, this.#options.defaultLlm);
  }

  async #secretsFor(
    userId: string,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, string>> {
    const [custom, settings] = await Promise.all([
      this.#options.secrets.values(userId, { signal }),
      this.#options.settings.load(userId, { signal }),
    ]);
    const keys: Record<string, string> = {};
    for (const [name, value] of Object.entries(settings?.keys ?? {})) {
      if (value !== undefined && value !== '') keys[name] = value;
    }
    if (this.#options.defaultLlm.apiKey !== undefined)
      keys['default_llm_api_key'] = this.#options.defaultLlm.apiKey;
    // Credentials in a base URL (https://user:password@host) are as secret as a key.
    const credentials = [
      ...urlCredentials(settings?.fields.llm_base_url),
      ...urlCredentials(this.#options.defaultLlm.baseUrl),
    ];
    for (const [index, value] of credentials.entries())
      keys[`llm_base_url_credential_${index}`] = value;
    return { ...keys, ...custom };
  }
}

/**
 * Upstream's rules: no settings and no usable server default → SETTINGS_NOT_FOUND; a model that
 * needs a key but has none (and no base URL of a local server) → LLM_API_KEY_MISSING.
 */
export function chooseLlm(settings: StoredSettings | undefined, defaultLlm: DefaultLlm): LlmChoice {
  const chosenModel = settings?.fields.llm_model ?? undefined;
  const usesDefault = chosenModel === undefined || chosenModel === defaultLlm.model;
  const model = chosenModel ?? defaultLlm.model;
  // A blank key or base URL (the settings form sends "" for an empty field) counts as unset.
  const apiKey =
    nonBlank(settings?.keys.llm_api_key) ?? (usesDefault ? defaultLlm.apiKey : undefined);
  const baseUrl =
    nonBlank(settings?.fields.llm_base_url) ?? (usesDefault ? defaultLlm.baseUrl : undefined);
  const keyless =
    model === 'demo' || keylessModelPrefixes.some((prefix) => model.startsWith(prefix));
  if (keyless || apiKey !== undefined || baseUrl !== undefined) return { model, apiKey, baseUrl };
  if (settings === undefined) {
    throw new ParleyError('SETTINGS_NOT_FOUND', 'Settings not found');
  }
  throw new ParleyError(
    'LLM_API_KEY_MISSING',
    'Error authenticating with the LLM provider. Please check your API key',
  );
}

function nonBlank(value: string | null | undefined): string | undefined {
  return value == null || value.trim() === '' ? undefined : value;
}

function triggerFor(request: InitSessionRequest, viaApiKey: boolean): ConversationTrigger {
  if (viaApiKey) return 'openhands_api';
  if (request.create_microagent != null) return 'microagent_management';
  if (request.suggested_task != null) return 'suggested_task';
  return 'gui';
}

function notFound(): ParleyError {
  return new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
}
