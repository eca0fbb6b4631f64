/**
 * Each SQL store honours its signal (issue 17 item 3): an aborted call rejects with
 * OPERATION_ABORTED and changes nothing, in the tables and in the secret registry alike; an abort
 * in the middle of the settings transaction rolls it back (and on PostgreSQL lets go of the row).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlConversationStore } from '../../src/conversations/sql-conversation-store.js';
import { SqlSecretsStore } from '../../src/settings/sql-secrets-store.js';
import { SqlSettingsStore } from '../../src/settings/sql-settings-store.js';
import { SecretBox } from '../../src/shared/secret-box.js';
import { SecretRegistry } from '../../src/shared/secret-registry.js';
import type { Database } from '../../src/storage/database.js';
import { testDatabaseBackends, type TestDatabase } from '../support/test-databases.js';

const backends = await testDatabaseBackends();
const aborted = { code: 'OPERATION_ABORTED' };

function abortedSignal(): AbortSignal {
  const controller = new AbortController();
  controller.abort(new Error('the caller left'));
  return controller.signal;
}

/** A secret box that aborts `controller` whenever it seals: inside the settings transaction. */
class AbortingSecretBox extends SecretBox {
  readonly #controller: AbortController;

  constructor(key: Uint8Array, controller: AbortController) {
    super(key);
    this.#controller = controller;
  }

  override seal(plaintext: string): string {
    this.#controller.abort(new Error('the caller left mid-transaction'));
    return super.seal(plaintext);
  }
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(
    `SQL stores with an aborted signal on ${backend.name}`,
    () => {
      let testDatabase: TestDatabase;
      let database: Database;
      const key = randomBytes(32);
      const secretBox = new SecretBox(key);
      beforeEach(async () => {
        testDatabase = await backend.create();
        database = testDatabase.database;
      });
      afterEach(async () => {
        await testDatabase.cleanup();
      });

      it('the conversation store: every method rejects and nothing changes', async () => {
        const store = new SqlConversationStore({ database });
        await store.create({ conversationId: 'kept', userId: 'u', title: 'Kept' });
        const before = await database.kysely.selectFrom('conversations').selectAll().execute();
        const signal = abortedSignal();

        await expect(
          store.create({ conversationId: 'new', userId: 'u' }, { signal }),
        ).rejects.toMatchObject({ ...aborted, cause: signal.reason });
        await expect(store.get('u', 'kept', { signal })).rejects.toMatchObject(aborted);
        await expect(store.owns('u', 'kept', { signal })).rejects.toMatchObject(aborted);
        await expect(store.search('u', { limit: 10, signal })).rejects.toMatchObject(aborted);
        await expect(store.updateTitle('u', 'kept', 'Renamed', { signal })).rejects.toMatchObject(
          aborted,
        );
        await expect(store.delete('u', 'kept', { signal })).rejects.toMatchObject(aborted);

        expect(await database.kysely.selectFrom('conversations').selectAll().execute()).toEqual(
          before,
        );
      });

      it('the secrets store: every method rejects, no row changes and nothing is registered', async () => {
        const registry = new SecretRegistry();
        const store = new SqlSecretsStore({ database, secretBox, secrets: registry });
        await store.create('u', { name: 'KEPT', value: 'kept-value-0123456789' });
        const before = await database.kysely.selectFrom('secrets').selectAll().execute();
        const signal = abortedSignal();

        await expect(store.list('u', { signal })).rejects.toMatchObject(aborted);
        await expect(
          store.create('u', { name: 'NEW', value: 'new-value-0123456789' }, { signal }),
        ).rejects.toMatchObject(aborted);
        await expect(
          store.update(
            'u',
            'KEPT',
            { name: 'RENAMED', value: 'other-value-0123456789' },
            { signal },
          ),
        ).rejects.toMatchObject(aborted);
        await expect(store.delete('u', 'KEPT', { signal })).rejects.toMatchObject(aborted);
        await expect(store.values('u', { signal })).rejects.toMatchObject(aborted);

        expect(await database.kysely.selectFrom('secrets').selectAll().execute()).toEqual(before);
        const masked = registry
          .maskerFor('u')
          .maskText('kept-value-0123456789 new-value-0123456789 other-value-0123456789');
        expect(masked).toBe('<secret_hidden> new-value-0123456789 other-value-0123456789');
      });

      it('the settings store: load and update reject before their first statement', async () => {
        const store = new SqlSettingsStore({ database, secretBox });
        await store.update('u', { language: 'de', llm_api_key: 'sk-kept-0123456789' });
        const before = await database.kysely.selectFrom('settings').selectAll().execute();
        const signal = abortedSignal();

        await expect(store.load('u', { signal })).rejects.toMatchObject(aborted);
        await expect(
          store.update('u', { language: 'fr', llm_api_key: 'sk-new-0123456789' }, { signal }),
        ).rejects.toMatchObject(aborted);

        expect(await database.kysely.selectFrom('settings').selectAll().execute()).toEqual(before);
      });

      it('the settings store: an abort inside the transaction rolls it back', async () => {
        await new SqlSettingsStore({ database, secretBox }).update('u', {
          language: 'de',
          llm_api_key: 'sk-kept-0123456789',
        });
        const before = await database.kysely.selectFrom('settings').selectAll().execute();
        const controller = new AbortController();
        const store = new SqlSettingsStore({
          database,
          secretBox: new AbortingSecretBox(key, controller),
        });

        // The row is read (and locked on PostgreSQL), the keys are sealed (which aborts), and the
        // check before the write throws out of the transaction.
        await expect(
          store.update(
            'u',
            { language: 'fr', llm_api_key: 'sk-new-0123456789' },
            {
              signal: controller.signal,
            },
          ),
        ).rejects.toMatchObject({
          ...aborted,
          cause: { message: 'the caller left mid-transaction' },
        });
        expect(await database.kysely.selectFrom('settings').selectAll().execute()).toEqual(before);

        // Nothing stays locked: the next update of the same row commits.
        const plain = new SqlSettingsStore({ database, secretBox });
        await plain.update('u', { language: 'fr' });
        expect((await plain.load('u'))?.fields.language).toBe('fr');
      });
    },
  );
}
