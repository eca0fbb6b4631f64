import type { Kysely } from 'kysely';

/**
 * Accounts (issue 19): users signed in with OpenID Connect (issuer + subject) or a local name and
 * password hash; browser sessions and personal API tokens, both stored as SHA-256 hashes only; and
 * failed sign-in counters shared by every process (per account and per client address).
 */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('users')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('issuer', 'text')
    .addColumn('subject', 'text')
    .addColumn('username', 'text', (column) => column.unique())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addUniqueConstraint('users_issuer_subject_key', ['issuer', 'subject'])
    .execute();
  await database.schema
    .createTable('auth_sessions')
    .addColumn('id_hash', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('last_seen_at', 'text', (column) => column.notNull())
    .addColumn('idle_expires_at', 'text', (column) => column.notNull())
    .addColumn('absolute_expires_at', 'text', (column) => column.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await database.schema
    .createIndex('auth_sessions_user_id_index')
    .on('auth_sessions')
    .column('user_id')
    .execute();
  await database.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('token_hash', 'text', (column) => column.notNull().unique())
    .addColumn('user_id', 'text', (column) =>
      column.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await database.schema
    .createIndex('api_tokens_user_id_index')
    .on('api_tokens')
    .column('user_id')
    .execute();
  await database.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('failures', 'integer', (column) => column.notNull())
    .addColumn('window_started_at', 'text', (column) => column.notNull())
    .addColumn('locked_until', 'text')
    .execute();
}

export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('login_failures').execute();
  await database.schema.dropTable('api_tokens').execute();
  await database.schema.dropTable('auth_sessions').execute();
  await database.schema.dropTable('users').execute();
}
