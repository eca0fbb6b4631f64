import type { Kysely } from 'kysely';
import { ParleyError } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import type { Database } from '../storage/database.js';
import { isUniqueViolation } from '../storage/database-errors.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { SecretSummary, SecretsStore } from './secrets-store.js';
import { requireStorableText } from './stored-text.js';

/** Custom secrets in SQL, each value sealed with AES-256-GCM. */
export class SqlSecretsStore implements SecretsStore {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #secretBox: SecretBox;
  readonly #now: () => Date;

  constructor(options: { database: Database; secretBox: SecretBox; now?: () => Date }) {
    this.#kysely = options.database.kysely;
    this.#secretBox = options.secretBox;
    this.#now = options.now ?? (() => new Date());
  }

  async list(userId: string): Promise<SecretSummary[]> {
    return this.#kysely
      .selectFrom('secrets')
      .select(['name', 'description'])
      .where('user_id', '=', userId)
      .orderBy('name')
      .execute();
  }

  async create(
    userId: string,
    secret: { name: string; value: string; description?: string | null | undefined },
  ): Promise<void> {
    requireStorableText(secret);
    const now = this.#now().toISOString();
    try {
      await this.#kysely
        .insertInto('secrets')
        .values({
          user_id: userId,
          name: secret.name,
          encrypted_value: this.#secretBox.seal(secret.value),
          description: secret.description ?? null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyExists(secret.name, error);
      throw error;
    }
  }

  async update(
    userId: string,
    name: string,
    change: { name: string; description?: string | null | undefined; value?: string | undefined },
  ): Promise<void> {
    requireStorableText(change);
    let updated: bigint;
    try {
      const result = await this.#kysely
        .updateTable('secrets')
        .set({
          name: change.name,
          description: change.description ?? null,
          updated_at: this.#now().toISOString(),
          ...(change.value === undefined
            ? {}
            : { encrypted_value: this.#secretBox.seal(change.value) }),
        })
        .where('user_id', '=', userId)
        .where('name', '=', name)
        .executeTakeFirst();
      updated = result.numUpdatedRows;
    } catch (error) {
      if (isUniqueViolation(error)) throw alreadyExists(change.name, error);
      throw error;
    }
    if (updated === 0n) throw notFound(name);
  }

  async delete(userId: string, name: string): Promise<void> {
    const result = await this.#kysely
      .deleteFrom('secrets')
      .where('user_id', '=', userId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound(name);
  }

  async values(userId: string): Promise<Record<string, string>> {
    const rows = await this.#kysely
      .selectFrom('secrets')
      .select(['name', 'encrypted_value'])
      .where('user_id', '=', userId)
      .execute();
    return Object.fromEntries(
      rows.map((row) => [row.name, this.#secretBox.open(row.encrypted_value)]),
    );
  }
}

function alreadyExists(name: string, cause: unknown): ParleyError {
  return new ParleyError('SECRET_ALREADY_EXISTS', `Secret ${name} already exists`, { cause });
}

function notFound(name: string): ParleyError {
  return new ParleyError('SECRET_NOT_FOUND', `Secret with ID ${name} not found`);
}
