import type { Kysely } from 'kysely';

/**
 * Which process runs each conversation's agent loop (PostgreSQL clusters; unused on SQLite, where
 * one process runs everything). `owner` is empty once released; `generation` only grows, so an
 * append fenced with an older one is refused; `expires_at` is milliseconds since the epoch by the
 * database's clock, so the processes' own clocks never decide who owns what.
 */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('conversation_leases')
    .addColumn('conversation_id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('owner', 'text', (column) => column.notNull())
    .addColumn('generation', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .execute();
  await database.schema
    .createIndex('conversation_leases_owner_expires')
    .on('conversation_leases')
    .columns(['owner', 'expires_at'])
    .execute();
  await database.schema
    .createIndex('conversation_leases_user')
    .on('conversation_leases')
    .column('user_id')
    .execute();
}

export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('conversation_leases').execute();
}
