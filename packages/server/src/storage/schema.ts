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

/** A person who signs in: through OpenID Connect (issuer + subject) or a local name and password. */
export interface UsersTable {
  id: string;
  issuer: string | null;
  subject: string | null;
  /** The local account's sign-in name (unique), or null for an OpenID Connect user. */
  username: string | null;
  name: string | null;
  email: string | null;
  /** PHC string of the memory-hard hash (argon2id), or null when the user has no password. */
  password_hash: string | null;
  created_at: string;
}

/** A browser session; the cookie carries the id, the table only its SHA-256 hex. */
export interface AuthSessionsTable {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  revoked_at: string | null;
}

/** A personal API token; shown once, stored as its SHA-256 hex. */
export interface ApiTokensTable {
  id: string;
  token_hash: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Failed sign-ins per key (`account:<name>` or `address:<ip>`) within the current window. */
export interface LoginFailuresTable {
  key: string;
  /** int4 on PostgreSQL, INTEGER on SQLite: a number on both. */
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface DatabaseSchema {
  events: EventsTable;
  conversations: ConversationsTable;
  settings: SettingsTable;
  secrets: SecretsTable;
  conversation_leases: ConversationLeasesTable;
  users: UsersTable;
  auth_sessions: AuthSessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
}
