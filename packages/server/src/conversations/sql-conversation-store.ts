import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { ConversationTrigger } from '@parley/protocol';
import { throwIfAborted } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { Database } from '../storage/database.js';
import { isUniqueViolation } from '../storage/database-errors.js';
import type { ConversationsTable, DatabaseSchema } from '../storage/schema.js';
import type { ConversationMetadata, NewConversationMetadata } from './conversation-metadata.js';
import { requireStorableText } from '../settings/stored-text.js';
import type {
  ConversationFilter,
  ConversationPage,
  ConversationSearch,
  ConversationStore,
} from './conversation-store.js';

type Row = Selectable<ConversationsTable>;

interface Signal {
  signal?: AbortSignal | undefined;
}

/**
 * Conversation metadata in SQL. Every method checks its signal before its query (an aborted call
 * rejects with OPERATION_ABORTED and changes nothing); a query under way runs to its end, so a
 * write that committed is reported as done.
 */
export class SqlConversationStore implements ConversationStore {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #now: () => Date;

  constructor(options: { database: Database; now?: () => Date }) {
    this.#kysely = options.database.kysely;
    this.#now = options.now ?? (() => new Date());
  }

  async create(
    metadata: NewConversationMetadata,
    options: Signal = {},
  ): Promise<ConversationMetadata> {
    const complete = withDefaults(metadata, this.#now().toISOString());
    requireStorableText({
      conversation_id: complete.conversationId,
      title: complete.title,
      selected_repository: complete.selectedRepository,
      selected_branch: complete.selectedBranch,
      git_provider: complete.gitProvider,
      llm_model: complete.llmModel,
    });
    throwIfAborted(options.signal);
    try {
      await this.#kysely.insertInto('conversations').values(toRow(complete)).execute();
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ParleyError(
          'CONVERSATION_ALREADY_EXISTS',
          `Conversation ${metadata.conversationId} already exists`,
          { cause: error },
        );
      }
      throw storageFailure('create a conversation', error);
    }
    return complete;
  }

  async get(
    userId: string,
    conversationId: string,
    options: Signal = {},
  ): Promise<ConversationMetadata | undefined> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('conversations')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? undefined : fromRow(row);
  }

  async owns(userId: string, conversationId: string, options: Signal = {}): Promise<boolean> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('conversations')
      .select('conversation_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  async search(userId: string, search: ConversationSearch): Promise<ConversationPage> {
    const offset = decodePageId(search.pageId);
    requireStorableText({
      selected_repository: search.selectedRepository,
      conversation_trigger: search.trigger,
    });
    let query = this.#kysely.selectFrom('conversations').selectAll().where('user_id', '=', userId);
    if (search.selectedRepository !== undefined) {
      query = query.where('selected_repository', '=', search.selectedRepository);
    }
    if (search.trigger !== undefined) query = query.where('trigger', '=', search.trigger);
    if (search.filter !== undefined) query = applyFilter(query, search.filter);
    throwIfAborted(search.signal);
    const direction = search.oldestFirst === true ? 'asc' : 'desc';
    const rows = await query
      .orderBy('created_at', direction)
      .orderBy('conversation_id', direction)
      .limit(search.limit + 1)
      .offset(offset)
      .execute();
    const hasMore = rows.length > search.limit;
    return {
      results: rows.slice(0, search.limit).map(fromRow),
      nextPageId: hasMore ? encodePageId(offset + search.limit) : null,
    };
  }

  async count(userId: string, filter: ConversationFilter, options: Signal = {}): Promise<number> {
    throwIfAborted(options.signal);
    const query = applyFilter(
      this.#kysely.selectFrom('conversations').where('user_id', '=', userId),
      filter,
    );
    const row = await query
      .select((builder) => builder.fn.countAll<number | string | bigint>().as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async updateTitle(
    userId: string,
    conversationId: string,
    title: string,
    options: Signal = {},
  ): Promise<boolean> {
    requireStorableText({ title });
    throwIfAborted(options.signal);
    const result = await this.#kysely
      .updateTable('conversations')
      .set({ title, last_updated_at: this.#now().toISOString() })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(userId: string, conversationId: string, options: Signal = {}): Promise<boolean> {
    throwIfAborted(options.signal);
    const result = await this.#kysely
      .deleteFrom('conversations')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/** Narrows a query of the conversations table by the V1 face's filters. */
function applyFilter<Output>(
  query: SelectQueryBuilder<DatabaseSchema, 'conversations', Output>,
  filter: ConversationFilter,
): SelectQueryBuilder<DatabaseSchema, 'conversations', Output> {
  requireStorableText({
    title__contains: filter.titleContains,
    conversation_id: filter.conversationId,
  });
  let narrowed = query;
  if (filter.conversationVersion !== undefined) {
    narrowed = narrowed.where('conversation_version', '=', filter.conversationVersion);
  }
  if (filter.conversationId !== undefined) {
    narrowed = narrowed.where('conversation_id', '=', filter.conversationId);
  }
  if (filter.titleContains !== undefined) {
    // LIKE with its wildcards escaped; lower() on both sides, so it ignores ASCII case on both
    // databases (SQLite's LIKE already does, PostgreSQL's does not).
    const pattern = `%${filter.titleContains.replaceAll(/[\\%_]/g, (character) => `\\${character}`)}%`;
    narrowed = narrowed.where(
      sql<boolean>`lower(coalesce(title, '')) like lower(${pattern}) escape '\\'`,
    );
  }
  if (filter.createdAtGte !== undefined) {
    narrowed = narrowed.where('created_at', '>=', filter.createdAtGte);
  }
  if (filter.createdAtLt !== undefined)
    narrowed = narrowed.where('created_at', '<', filter.createdAtLt);
  if (filter.updatedAtGte !== undefined) {
    narrowed = narrowed.where('last_updated_at', '>=', filter.updatedAtGte);
  }
  if (filter.updatedAtLt !== undefined) {
    narrowed = narrowed.where('last_updated_at', '<', filter.updatedAtLt);
  }
  if (filter.excludeSubConversations === true) {
    narrowed = narrowed.where('parent_conversation_id', 'is', null);
  }
  return narrowed;
}

/** Upstream's page ids: base64 of the decimal offset. */
export function encodePageId(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64');
}

export function decodePageId(pageId: string | undefined): number {
  if (pageId === undefined || pageId === '') return 0;
  const text = Buffer.from(pageId, 'base64').toString('utf8');
  if (!/^\d{1,9}$/.test(text)) {
    throw new ParleyError('REQUEST_INVALID', 'Invalid page_id');
  }
  return Number(text);
}

function withDefaults(metadata: NewConversationMetadata, now: string): ConversationMetadata {
  return {
    title: null,
    selectedRepository: null,
    selectedBranch: null,
    gitProvider: null,
    trigger: null,
    prNumbers: [],
    createdAt: now,
    lastUpdatedAt: now,
    llmModel: null,
    accumulatedCost: 0,
    maxBudgetPerTask: null,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    contextWindow: 0,
    perTurnToken: 0,
    sandboxId: null,
    conversationVersion: 'V0',
    parentConversationId: null,
    ...metadata,
  };
}

function toRow(metadata: ConversationMetadata): Row {
  return {
    conversation_id: metadata.conversationId,
    user_id: metadata.userId,
    title: metadata.title,
    selected_repository: metadata.selectedRepository,
    selected_branch: metadata.selectedBranch,
    git_provider: metadata.gitProvider,
    trigger: metadata.trigger,
    pr_number: JSON.stringify(metadata.prNumbers),
    created_at: metadata.createdAt,
    last_updated_at: metadata.lastUpdatedAt,
    llm_model: metadata.llmModel,
    accumulated_cost: metadata.accumulatedCost,
    max_budget_per_task: metadata.maxBudgetPerTask,
    prompt_tokens: metadata.promptTokens,
    completion_tokens: metadata.completionTokens,
    total_tokens: metadata.totalTokens,
    cache_read_tokens: metadata.cacheReadTokens,
    cache_write_tokens: metadata.cacheWriteTokens,
    reasoning_tokens: metadata.reasoningTokens,
    context_window: metadata.contextWindow,
    per_turn_token: metadata.perTurnToken,
    sandbox_id: metadata.sandboxId,
    conversation_version: metadata.conversationVersion,
    parent_conversation_id: metadata.parentConversationId,
  };
}

function fromRow(row: Row): ConversationMetadata {
  return {
    conversationId: row.conversation_id,
    userId: row.user_id,
    title: row.title,
    selectedRepository: row.selected_repository,
    selectedBranch: row.selected_branch,
    gitProvider: row.git_provider,
    trigger: row.trigger as ConversationTrigger | null,
    prNumbers: parseNumbers(row.pr_number),
    createdAt: row.created_at,
    lastUpdatedAt: row.last_updated_at,
    llmModel: row.llm_model,
    accumulatedCost: Number(row.accumulated_cost),
    maxBudgetPerTask: row.max_budget_per_task === null ? null : Number(row.max_budget_per_task),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
    contextWindow: Number(row.context_window),
    perTurnToken: Number(row.per_turn_token),
    sandboxId: row.sandbox_id,
    conversationVersion: row.conversation_version,
    parentConversationId: row.parent_conversation_id,
  };
}

function parseNumbers(json: string): number[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value)
      ? value.filter((item): item is number => typeof item === 'number')
      : [];
  } catch {
    return [];
  }
}

function storageFailure(action: string, error: unknown): ParleyError {
  return new ParleyError('STORAGE_FAILURE', `Could not ${action}: ${String(error)}`, {
    cause: error,
  });
}
