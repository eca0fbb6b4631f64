import { sql, type Kysely } from 'kysely';

/** The per-conversation append-only event log. */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .createTable('events')
    .addColumn('conversation_id', 'text', (column) => column.notNull())
    .addColumn('id', 'integer', (column) => column.notNull())
    .addColumn('timestamp', 'text', (column) => column.notNull())
    .addColumn('source', 'text')
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('type', 'text', (column) => column.notNull())
    .addColumn('hidden', 'integer', (column) => column.notNull().defaultTo(sql`0`))
    .addColumn('payload', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('events_pkey', ['conversation_id', 'id'])
    .addCheckConstraint('events_id_non_negative', sql`id >= 0`)
    .execute();
}

export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.dropTable('events').execute();
}
