import type { Kysely } from 'kysely';

/**
 * When each lease's loop was last active (milliseconds since the epoch, as its owner saw it at its
 * latest renewal): the cluster-wide limit on running conversations closes the least recently
 * active one of a user, wherever it runs.
 */
export async function up(database: Kysely<unknown>): Promise<void> {
  await database.schema
    .alterTable('conversation_leases')
    .addColumn('active_at', 'bigint', (column) => column.notNull().defaultTo(0))
    .execute();
}

export async function down(database: Kysely<unknown>): Promise<void> {
  await database.schema.alterTable('conversation_leases').dropColumn('active_at').execute();
}
