import { sql, type Kysely } from 'kysely';

/** Conversation metadata: every field of upstream's ConversationMetadata, one row per conversation. */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('conversations')
    .addColumn('conversation_id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('title', 'text')
    .addColumn('selected_repository', 'text')
    .addColumn('selected_branch', 'text')
    .addColumn('git_provider', 'text')
    .addColumn('trigger', 'text')
    .addColumn('pr_number', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('last_updated_at', 'text')
    .addColumn('llm_model', 'text')
    .addColumn('accumulated_cost', 'double precision', (column) =>
      column.notNull().defaultTo(sql`0`),
    )
    .addColumn('max_budget_per_task', 'double precision')
    .addColumn('prompt_tokens', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('completion_tokens', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('total_tokens', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('cache_read_tokens', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('cache_write_tokens', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('reasoning_tokens', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('context_window', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('per_turn_token', 'bigint', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('sandbox_id', 'text')
    .addColumn('conversation_version', 'text', (column) => column.notNull().defaultTo('V0'))
    .addColumn('parent_conversation_id', 'text')
    .execute();
  await database.schema
    .createIndex('conversations_user_created')
    .on('conversations')
    .columns(['user_id', 'created_at'])
    .execute();
}

export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('conversations').execute();
}
