import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { ParleyError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { migrations } from './migrations/index.js';
import type { DatabaseSchema } from './schema.js';

const provider: MigrationProvider = { getMigrations: () => Promise.resolve({ ...migrations }) };

/** Applies every pending migration in order; throws STORAGE_FAILURE naming the one that failed. */
export async function migrateToLatest(
  kysely: Kysely<DatabaseSchema>,
  logger: Logger,
): Promise<void> {
  const migrator = new Migrator({ db: kysely, provider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success')
      logger.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') {
      throw new ParleyError(
        'STORAGE_FAILURE',
        `Migration ${result.migrationName} failed: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  if (error !== undefined) {
    throw new ParleyError('STORAGE_FAILURE', `Migrations failed: ${String(error)}`, {
      cause: error,
    });
  }
}
