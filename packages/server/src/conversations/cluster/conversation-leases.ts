import { sql, type Kysely } from 'kysely';
import type { DatabaseSchema } from '../../storage/schema.js';

/** A conversation this process owns: its agent loop's appends are fenced with `generation`. */
export interface Lease {
  conversationId: string;
  userId: string;
  generation: number;
}

export interface ConversationLeasesOptions {
  kysely: Kysely<DatabaseSchema>;
  /** This process's name in the cluster (`PARLEY_INSTANCE_ID`). */
  instanceId: string;
  /** How long a lease holds without renewal (`PARLEY_LEASE_TTL_MS`). */
  ttlMs: number;
}

/** Milliseconds since the epoch by the database's clock: the one clock every process shares. */
const databaseNow = sql<string>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * The `conversation_leases` table (PostgreSQL): at most one live owner per conversation. A lease is
 * taken when it is free (released, or expired because its owner stopped renewing it) and every
 * taking raises its generation, so an old owner's fenced appends are refused from then on. Expiry
 * is judged by the database's clock only.
 */
export class ConversationLeases {
  readonly #kysely: Kysely<DatabaseSchema>;
  readonly instanceId: string;
  readonly #ttlMs: number;

  constructor(options: ConversationLeasesOptions) {
    this.#kysely = options.kysely;
    this.instanceId = options.instanceId;
    this.#ttlMs = options.ttlMs;
  }

  /**
   * Takes the conversation's lease with a new generation when nobody else holds it live (also
   * when this process held it: a new loop never shares a generation with an old one). Resolves
   * undefined when another process owns it.
   */
  async acquire(conversationId: string, userId: string): Promise<Lease | undefined> {
    const expiresAt = sql<string>`${databaseNow} + ${this.#ttlMs}`;
    const row = await this.#kysely
      .insertInto('conversation_leases')
      .values({
        conversation_id: conversationId,
        user_id: userId,
        owner: this.instanceId,
        generation: 1,
        expires_at: expiresAt,
        active_at: Date.now(),
      })
      .onConflict((conflict) =>
        conflict
          .column('conversation_id')
          .doUpdateSet({
            owner: this.instanceId,
            user_id: userId,
            generation: sql`conversation_leases.generation + 1`,
            expires_at: expiresAt,
            active_at: Date.now(),
          })
          .where((builder) =>
            builder.or([
              builder('conversation_leases.owner', '=', ''),
              builder('conversation_leases.owner', '=', this.instanceId),
              builder('conversation_leases.expires_at', '<', databaseNow),
            ]),
          ),
      )
      .returning('generation')
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return { conversationId, userId, generation: Number(row.generation) };
  }

  /**
   * Extends the leases this process holds, recording when each loop was last active; resolves
   * with the conversation ids whose lease was still theirs at the same generation (the others
   * were lost: taken over, evicted or deleted).
   */
  async renew(
    leases: readonly Lease[],
    activeAt: (conversationId: string) => number,
  ): Promise<Set<string>> {
    if (leases.length === 0) return new Set();
    const rows = sql.join(
      leases.map(
        (lease) => sql`(${lease.conversationId}, ${activeAt(lease.conversationId)}::bigint)`,
      ),
    );
    const result = await sql<{ conversation_id: string; generation: string }>`
      update conversation_leases as lease
      set expires_at = ${databaseNow} + ${this.#ttlMs}, active_at = activity.active_at
      from (values ${rows}) as activity (conversation_id, active_at)
      where lease.conversation_id = activity.conversation_id and lease.owner = ${this.instanceId}
      returning lease.conversation_id, lease.generation`.execute(this.#kysely);
    const generations = new Map(
      result.rows.map((row) => [row.conversation_id, Number(row.generation)]),
    );
    return new Set(
      leases
        .filter((lease) => generations.get(lease.conversationId) === lease.generation)
        .map((lease) => lease.conversationId),
    );
  }

  /**
   * Takes a live lease away from its owner (the cluster-wide limit): free at once, with a new
   * generation, so the owner's next append or renewal finds it lost and drops the loop.
   */
  async evict(conversationId: string): Promise<void> {
    await this.#kysely
      .updateTable('conversation_leases')
      .set({ owner: '', expires_at: 0, generation: sql`generation + 1` })
      .where('conversation_id', '=', conversationId)
      .where('owner', '<>', '')
      .execute();
  }

  /** Gives the lease up (the loop closed cleanly): free at once, and no takeover follows. */
  async release(lease: Lease): Promise<void> {
    await this.#kysely
      .updateTable('conversation_leases')
      .set({ owner: '', expires_at: 0 })
      .where('conversation_id', '=', lease.conversationId)
      .where('owner', '=', this.instanceId)
      .where('generation', '=', lease.generation)
      .execute();
  }

  /** Forgets the conversation's lease (it is being deleted): any fenced append is refused after. */
  async remove(conversationId: string): Promise<void> {
    await this.#kysely
      .deleteFrom('conversation_leases')
      .where('conversation_id', '=', conversationId)
      .execute();
  }

  /** Conversations whose owner stopped renewing without releasing: a process died or hangs. */
  async orphaned(limit = 100): Promise<{ conversationId: string; userId: string }[]> {
    const rows = await this.#kysely
      .selectFrom('conversation_leases')
      .select(['conversation_id', 'user_id'])
      .where('owner', '<>', '')
      .where('expires_at', '<', databaseNow)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ conversationId: row.conversation_id, userId: row.user_id }));
  }

  /** Conversations other processes own live now (for status reports). */
  async ownedElsewhere(): Promise<Set<string>> {
    const rows = await this.#kysely
      .selectFrom('conversation_leases')
      .select('conversation_id')
      .where('owner', '<>', '')
      .where('owner', '<>', this.instanceId)
      .where('expires_at', '>=', databaseNow)
      .execute();
    return new Set(rows.map((row) => row.conversation_id));
  }

  /** The live owner of a conversation, if any. */
  async liveOwner(conversationId: string): Promise<string | undefined> {
    const row = await this.#kysely
      .selectFrom('conversation_leases')
      .select('owner')
      .where('conversation_id', '=', conversationId)
      .where('owner', '<>', '')
      .where('expires_at', '>=', databaseNow)
      .executeTakeFirst();
    return row?.owner;
  }

  /** The user's conversations with a live owner anywhere in the cluster. */
  async liveForUser(
    userId: string,
  ): Promise<{ conversationId: string; owner: string; activeAt: number }[]> {
    const rows = await this.#kysely
      .selectFrom('conversation_leases')
      .select(['conversation_id', 'owner', 'active_at'])
      .where('user_id', '=', userId)
      .where('owner', '<>', '')
      .where('expires_at', '>=', databaseNow)
      .execute();
    return rows.map((row) => ({
      conversationId: row.conversation_id,
      owner: row.owner,
      activeAt: Number(row.active_at),
    }));
  }
}
