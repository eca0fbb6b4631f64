import type { Kysely } from 'kysely';

/** Custom secrets per user; the value is encrypted at rest. */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('secrets')
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('encrypted_value', 'text', (column) => column.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('secrets_pkey', ['user_id', 'name'])
    .execute();
}

export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('secrets').execute();
}
