/** Kysely table types: the shape of every table Parley owns. One interface per table. */

export interface EventsTable {
  conversation_id: string;
  /** 0, 1, 2 … per conversation, assigned at append, gap-free. */
  id: number;
  /** ISO 8601 UTC, set at append. Text so that date filters compare as upstream (string order). */
  timestamp: string;
  source: string | null;
  /** 'action' | 'observation' | 'streaming_delta' */
  kind: string;
  /** The action or observation type ('message', 'run' …), or 'streaming_delta'. */
  type: string;
  /** 1 when the event is hidden (`args.hidden` / `extras.hidden`), else 0. */
  hidden: number;
  /** The whole event as sent on the wire (V0 JSON, with id and timestamp). */
  payload: string;
}

/** Conversation metadata (upstream ConversationMetadata). Timestamps are ISO 8601 UTC text. */
export interface ConversationsTable {
  conversation_id: string;
  user_id: string;
  title: string | null;
  selected_repository: string | null;
  selected_branch: string | null;
  git_provider: string | null;
  trigger: string | null;
  /** JSON array of PR numbers. */
  pr_number: string;
  created_at: string;
  last_updated_at: string | null;
  llm_model: string | null;
  accumulated_cost: number;
  max_budget_per_task: number | null;
  /** bigint columns: PostgreSQL returns them as strings, SQLite as numbers. */
  prompt_tokens: number | string;
  completion_tokens: number | string;
  total_tokens: number | string;
  cache_read_tokens: number | string;
  cache_write_tokens: number | string;
  reasoning_tokens: number | string;
  context_window: number | string;
  per_turn_token: number | string;
  sandbox_id: string | null;
  conversation_version: string;
  parent_conversation_id: string | null;
}

export interface SettingsTable {
  user_id: string;
  /** JSON object of the non-secret settings fields. */
  fields: string;
  /** Sealed JSON object of the API keys (see shared/secret-box.ts), or null when none is stored. */
  encrypted_keys: string | null;
  updated_at: string;
}

export interface SecretsTable {
  user_id: string;
  name: string;
  encrypted_value: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** Who runs each conversation's agent loop in a PostgreSQL cluster (`conversations/cluster`). */
export interface ConversationLeasesTable {
  conversation_id: string;
  user_id: string;
  /** The owning process's instance id; empty once released. */
  owner: string;
  /** Grows by one at every takeover; appends fenced with an older one are refused. */
  generation: string | number;
  /** Milliseconds since the epoch, by the database's clock. */
  expires_at: string | number;
  /** When the loop was last active, as its owner saw it at its latest renewal (ms; 0: never). */
  active_at: string | number;
}

export interface DatabaseSchema {
  events: EventsTable;
  conversations: ConversationsTable;
  settings: SettingsTable;
  secrets: SecretsTable;
  conversation_leases: ConversationLeasesTable;
}
