import type { Kysely } from 'kysely';

/** One settings row per user: plain fields as JSON, the API keys as one encrypted JSON blob. */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('settings')
    .addColumn('user_id', 'text', (column) => column.primaryKey())
    .addColumn('fields', 'text', (column) => column.notNull())
    .addColumn('encrypted_keys', 'text')
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
}

export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('settings').execute();
}
