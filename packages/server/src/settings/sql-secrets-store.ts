import type { Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import type { SecretRegistry } from '../shared/secret-registry.js';
import type { Database } from '../storage/database.js';
import { isUniqueViolation } from '../storage/database-errors.js';
import type { DatabaseSchema } from '../storage/schema.js';
import type { SecretSummary, SecretsStore } from './secrets-store.js';
import { requireStorableText } from './stored-text.js';

interface Signal {
  signal?: AbortSignal | undefined;
}

/**
 * Custom secrets in SQL, each value sealed with AES-256-GCM. Every method checks its signal before
 * its query (an aborted call rejects with OPERATION_ABORTED and changes nothing); a query under
 * way runs to its end, and what it wrote is registered for masking.
 */
export class SqlSecretsStore implements SecretsStore {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #secretBox: SecretBox;
  readonly #now: () => Date;
  readonly #secrets: SecretRegistry | undefined;

  /** `secrets`: where values are registered for masking as they are written or decrypted. */
  constructor(options: {
    database: Database;
    secretBox: SecretBox;
    now?: () => Date;
    secrets?: SecretRegistry;
  }) {
    this.#kysely = options.database.kysely;
    this.#secretBox = options.secretBox;
    this.#now = options.now ?? (() => new Date());
    this.#secrets = options.secrets;
  }

  async list(userId: string, options: Signal = {}): Promise<SecretSummary[]> {
    throwIfAborted(options.signal);
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
    options: Signal = {},
  ): Promise<void> {
    requireStorableText(secret);
    const now = this.#now().toISOString();
    throwIfAborted(options.signal);
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
    this.#secrets?.set(owner(userId, secret.name), [secret.value], userId);
  }

  async update(
    userId: string,
    name: string,
    change: { name: string; description?: string | null | undefined; value?: string | undefined },
    options: Signal = {},
  ): Promise<void> {
    requireStorableText(change);
    throwIfAborted(options.signal);
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
    this.#secrets?.rename(owner(userId, name), owner(userId, change.name));
    if (change.value !== undefined) {
      this.#secrets?.set(owner(userId, change.name), [change.value], userId);
    }
  }

  async delete(userId: string, name: string, options: Signal = {}): Promise<void> {
    throwIfAborted(options.signal);
    const result = await this.#kysely
      .deleteFrom('secrets')
      .where('user_id', '=', userId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw notFound(name);
    this.#secrets?.delete(owner(userId, name));
  }

  async values(userId: string, options: Signal = {}): Promise<Record<string, string>> {
    throwIfAborted(options.signal);
    const rows = await this.#kysely
      .selectFrom('secrets')
      .select(['name', 'encrypted_value'])
      .where('user_id', '=', userId)
      .execute();
    const values = Object.fromEntries(
      rows.map((row) => [row.name, this.#secretBox.open(row.encrypted_value)]),
    );
    for (const [name, value] of Object.entries(values)) {
      this.#secrets?.set(owner(userId, name), [value], userId);
    }
    return values;
  }
}

/** The registry owner of one custom secret. */
function owner(userId: string, name: string): string {
  return `secret:${userId}:${name}`;
}

function alreadyExists(name: string, cause: unknown): ParleyError {
  return new ParleyError('SECRET_ALREADY_EXISTS', `Secret ${name} already exists`, { cause });
}

function notFound(name: string): ParleyError {
  return new ParleyError('SECRET_NOT_FOUND', `Secret with ID ${name} not found`);
}
