import type { Kysely } from 'kysely';
import { throwIfAborted } from '../shared/abort.js';
import { ParleyError } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { urlCredentials, type SecretRegistry } from '../shared/secret-registry.js';
import type { Database } from '../storage/database.js';
import type { DatabaseSchema } from '../storage/schema.js';
import { mergeSettings, type SettingsStore, type StoredSettings } from './settings-store.js';
import type { SettingsUpdate } from '@parley/protocol';

interface Signal {
  signal?: AbortSignal | undefined;
}

/**
 * Settings in SQL: plain fields as JSON, API keys sealed together with AES-256-GCM. The signal is
 * checked before every statement, inside the update's transaction too, so an aborted update
 * rolls back and changes nothing; once the transaction committed, the update is reported as done.
 */
export class SqlSettingsStore implements SettingsStore {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly #secretBox: SecretBox;
  readonly #now: () => Date;
  readonly #lockRows: boolean;
  readonly #secrets: SecretRegistry | undefined;

  /** `secrets`: where the decrypted keys and base-URL credentials are registered for masking. */
  constructor(options: {
    database: Database;
    secretBox: SecretBox;
    now?: () => Date;
    secrets?: SecretRegistry;
  }) {
    this.#kysely = options.database.kysely;
    // SQLite transactions already run one at a time; PostgreSQL needs the row lock.
    this.#lockRows = options.database.dialect === 'postgres';
    this.#secretBox = options.secretBox;
    this.#now = options.now ?? (() => new Date());
    this.#secrets = options.secrets;
  }

  async load(userId: string, options: Signal = {}): Promise<StoredSettings | undefined> {
    throwIfAborted(options.signal);
    const row = await this.#kysely
      .selectFrom('settings')
      .select(['fields', 'encrypted_keys'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return this.#registered(userId, this.#decode(row));
  }

  /** Registers the user's keys and base-URL credentials for masking; returns `settings`. */
  #registered(userId: string, settings: StoredSettings): StoredSettings {
    this.#secrets?.set(
      `settings:${userId}`,
      [...Object.values(settings.keys), ...urlCredentials(settings.fields.llm_base_url)],
      userId,
    );
    return settings;
  }

  #decode(row: { fields: string; encrypted_keys: string | null }): StoredSettings {
    return {
      fields: JSON.parse(row.fields) as StoredSettings['fields'],
      keys:
        row.encrypted_keys === null
          ? {}
          : (JSON.parse(this.#secretBox.open(row.encrypted_keys)) as StoredSettings['keys']),
    };
  }

  async update(
    userId: string,
    update: SettingsUpdate,
    options: Signal = {},
  ): Promise<StoredSettings> {
    const { signal } = options;
    throwIfAborted(signal);
    // Read, merge and write inside one transaction so concurrent partial updates do not lose fields.
    const stored = await this.#kysely.transaction().execute(async (transaction) => {
      throwIfAborted(signal);
      const row = await transaction
        .selectFrom('settings')
        .select(['fields', 'encrypted_keys'])
        .where('user_id', '=', userId)
        .$if(this.#lockRows, (query) => query.forUpdate())
        .executeTakeFirst();
      const merged = mergeSettings(row === undefined ? undefined : this.#decode(row), update);
      const values = {
        user_id: userId,
        fields: JSON.stringify(merged.fields),
        encrypted_keys:
          Object.keys(merged.keys).length === 0
            ? null
            : this.#secretBox.seal(JSON.stringify(merged.keys)),
        updated_at: this.#now().toISOString(),
      };
      // An abort here throws out of the transaction, which rolls back (and on PostgreSQL lets go
      // of the row lock).
      throwIfAborted(signal);
      try {
        await transaction
          .insertInto('settings')
          .values(values)
          .onConflict((conflict) =>
            conflict.column('user_id').doUpdateSet({
              fields: values.fields,
              encrypted_keys: values.encrypted_keys,
              updated_at: values.updated_at,
            }),
          )
          .execute();
      } catch (error) {
        throw new ParleyError('STORAGE_FAILURE', `Could not store settings: ${String(error)}`, {
          cause: error,
        });
      }
      return merged;
    });
    return this.#registered(userId, stored);
  }
}
