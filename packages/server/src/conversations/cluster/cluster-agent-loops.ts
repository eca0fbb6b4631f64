import type { ActionEvent, ConversationStatus } from '@parley/protocol';
import type { EventStore } from '../../events/event-store.js';
import type { EventStreams } from '../../events/event-streams.js';
import type { Logger } from '../../shared/logger.js';
import type { AgentLoopStatus, AgentLoops, StartOptions } from '../agent-loops.js';
import type { ConversationManager } from '../conversation-manager.js';
import type { ConversationMetadata } from '../conversation-metadata.js';
import { initialMessageAction } from '../agent/user-messages.js';
import type { ConversationLeases, Lease } from './conversation-leases.js';
import { shuttingDownError } from '../conversation-manager-settings.js';
import {
  followUserActions,
  logUserAction,
  makeRoomInCluster,
  recordInterruption,
  settleDeadOwnersTurn,
  userStopAction,
} from './owner-duties.js';

export interface ClusterAgentLoopsOptions {
  manager: ConversationManager;
  leases: ConversationLeases;
  eventStreams: EventStreams;
  eventStore: EventStore;
  /** What a takeover starts the loop with; undefined when the conversation is gone. */
  loadForTakeover(
    conversationId: string,
    userId: string,
  ): Promise<{ conversation: ConversationMetadata; options: StartOptions } | undefined>;
  /** Loops per user in the whole cluster (`PARLEY_MAX_RUNNING_CONVERSATIONS`). */
  maxRunningPerUser: number;
  renewIntervalMs: number;
  takeoverIntervalMs: number;
  logger: Logger;
}

/** A loop of this process: its lease, and the end of the subscription it takes actions from. */
type Owned = { lease: Lease; stopFollowing(): void };

/**
 * `AgentLoops` for several processes on one PostgreSQL database. A conversation's loop runs only in
 * the process holding its lease (`ConversationLeases`), with every append fenced by the lease's
 * generation. Clients may talk to any process: their actions are appended to the log, and the
 * owner's loop takes the user actions it sees there (`AgentLoop.takeLoggedAction`), so a message
 * or a stop reaches the owner wherever it was sent, also while Redis is away. A conversation with no
 * live owner is started by the process a message reaches; one whose owner stopped renewing is taken
 * over by the first process whose sweep finds it: the interrupted turn is recorded as on a restart,
 * then the messages no turn took up are answered in order. A process that loses a lease (a renewal
 * or a fenced append refused) drops that loop at once, LLM request and tools included.
 */
export class ClusterAgentLoops implements AgentLoops {
  readonly #options: ClusterAgentLoopsOptions;
  readonly #owned = new Map<string, Owned>();
  /** Conversations another process owned at the last sweep (status reports only). */
  #elsewhere = new Set<string>();
  readonly #renewTimer: NodeJS.Timeout;
  readonly #takeoverTimer: NodeJS.Timeout;
  #sweeping = false;
  #closed = false;

  constructor(options: ClusterAgentLoopsOptions) {
    this.#options = options;
    this.#renewTimer = setInterval(() => void this.renew(), options.renewIntervalMs);
    this.#renewTimer.unref();
    this.#takeoverTimer = setInterval(() => void this.sweep(), options.takeoverIntervalMs);
    this.#takeoverTimer.unref();
  }

  status(conversationId: string): AgentLoopStatus {
    const local = this.#options.manager.status(conversationId);
    if (local.status !== 'STOPPED' || !this.#elsewhere.has(conversationId)) return local;
    return { ...local, status: 'RUNNING', runtimeStatus: 'STATUS$READY' };
  }

  async start(
    conversation: ConversationMetadata,
    options: StartOptions,
  ): Promise<ConversationStatus> {
    this.#refuseWhenClosed();
    const { manager } = this.#options;
    const { conversationId } = conversation;
    if (manager.loop(conversationId) !== undefined) return manager.start(conversation, options);
    await makeRoomInCluster(conversation, this.#options);
    const lease = await this.#options.leases.acquire(conversationId, conversation.userId);
    if (lease === undefined) {
      // Another process runs it: it takes what the clients log.
      this.#elsewhere.add(conversationId);
      if (options.initialMessage !== undefined) {
        await logUserAction(
          this.#options.eventStreams,
          conversationId,
          initialMessageAction(options.initialMessage),
          options.secrets,
        );
      }
      return 'RUNNING';
    }
    this.#elsewhere.delete(conversationId);
    return this.#startOwned(conversation, options, lease, { takeover: false });
  }

  async stop(conversationId: string): Promise<boolean> {
    const { manager } = this.#options;
    if (manager.loop(conversationId) !== undefined) return manager.stop(conversationId);
    if ((await this.#options.leases.liveOwner(conversationId)) === undefined) return false;
    // The owner stops its turn when it sees the user's stop in the log.
    await logUserAction(this.#options.eventStreams, conversationId, userStopAction(), {});
    return true;
  }

  async dispatch(
    conversation: ConversationMetadata,
    action: ActionEvent,
    options: { secrets: Readonly<Record<string, string>> },
  ): Promise<void> {
    this.#refuseWhenClosed();
    const loop = this.#options.manager.loop(conversation.conversationId);
    if (loop === undefined && action.action === 'message') await this.#ensureOwner(conversation);
    if (action.action === 'change_agent_state') {
      const state = action.args.agent_state;
      // Only the owner knows whether a confirmation is pending; a local one refuses at once.
      if (loop !== undefined && (state === 'user_confirmed' || state === 'user_rejected'))
        loop.assertAwaitingConfirmation();
    }
    await logUserAction(
      this.#options.eventStreams,
      conversation.conversationId,
      action,
      options.secrets,
    );
  }

  async forget(conversationId: string): Promise<void> {
    this.#dropOwned(conversationId);
    await this.#options.manager.forget(conversationId);
    // Without its lease row every fenced append of the conversation is refused, everywhere.
    await this.#options.leases.remove(conversationId);
  }

  /** One renewal round: leases no longer ours are dropped with their loops. */
  async renew(): Promise<void> {
    if (this.#closed || this.#owned.size === 0) return;
    const leases = [...this.#owned.values()].map((owned) => owned.lease);
    let kept: Set<string>;
    try {
      kept = await this.#options.leases.renew(
        leases,
        (conversationId) => this.#options.manager.loop(conversationId)?.lastActiveAt ?? Date.now(),
      );
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'renewing conversation leases failed');
      return;
    }
    for (const lease of leases) {
      if (!kept.has(lease.conversationId)) this.#lose(lease);
    }
  }

  /** One takeover round: every conversation whose owner stopped renewing is taken over here. */
  async sweep(): Promise<void> {
    if (this.#closed || this.#sweeping) return;
    this.#sweeping = true;
    try {
      this.#elsewhere = await this.#options.leases.ownedElsewhere();
      for (const orphan of await this.#options.leases.orphaned()) {
        if (this.#closed) return;
        // Its own lease lapsed (a slow renewal): the next renewal extends it; never take it over.
        if (this.#owned.has(orphan.conversationId)) continue;
        const lease = await this.#options.leases.acquire(orphan.conversationId, orphan.userId);
        if (lease !== undefined) await this.#takeOver(lease);
      }
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'looking for conversations to take over failed');
    } finally {
      this.#sweeping = false;
    }
  }

  /** Stops the timers, closes the loops (as a single process does) and releases their leases. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#renewTimer);
    clearInterval(this.#takeoverTimer);
    const owned = [...this.#owned.values()];
    await this.#options.manager.close();
    for (const entry of owned) entry.stopFollowing();
    this.#owned.clear();
    await Promise.allSettled(owned.map((entry) => this.#options.leases.release(entry.lease)));
  }

  /** The manager closed a loop (idle, a stop, too many): its lease is given up. */
  loopClosed(conversationId: string): void {
    const owned = this.#dropOwned(conversationId);
    if (owned === undefined || this.#closed) return;
    this.#options.leases.release(owned.lease).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, conversationId }, 'releasing a lease failed');
    });
  }

  async #takeOver(lease: Lease): Promise<void> {
    const { conversationId, userId } = lease;
    const found = await this.#options.loadForTakeover(conversationId, userId);
    if (found === undefined) {
      await this.#options.leases.remove(conversationId);
      return;
    }
    this.#options.logger.warn(
      { conversationId, generation: lease.generation },
      'taking over a conversation whose owner stopped renewing its lease',
    );
    const { eventStore, eventStreams } = this.#options;
    const fence = { generation: lease.generation };
    const parts = { eventStore, eventStreams, conversationId, fence, options: found.options };
    const answering = await settleDeadOwnersTurn(parts).catch(async (error: unknown) => {
      await this.#options.leases.release(lease).catch(() => undefined);
      throw error;
    });
    // Nothing waits for an answer: as after a restart, the loop starts with the next message.
    if (!answering) return this.#options.leases.release(lease);
    await this.#startOwned(found.conversation, found.options, lease, { takeover: true });
  }

  async #startOwned(
    conversation: ConversationMetadata,
    options: StartOptions,
    lease: Lease,
    how: { takeover: boolean },
  ): Promise<ConversationStatus> {
    const { conversationId } = conversation;
    const fence = { generation: lease.generation };
    try {
      const { eventStore, eventStreams, manager } = this.#options;
      this.#dropOwned(conversationId);
      // A previous owner (maybe this process before a restart) may have died mid-turn.
      const parts = { eventStore, eventStreams, conversationId, fence, options };
      const interrupted = await recordInterruption(parts);
      // Subscribed before the loop starts, so no action logged meanwhile is missed.
      const stopFollowing = await followUserActions(eventStreams, conversationId, (event) =>
        manager.loop(conversationId)?.takeLoggedAction(event),
      );
      this.#owned.set(conversationId, { lease, stopFollowing });
      const { initialMessage, ...rest } = options;
      const status = await this.#options.manager.start(conversation, {
        ...rest,
        lease: { fence, onLost: () => this.#lose(lease) },
        answerQueued: how.takeover || interrupted,
      });
      if (initialMessage !== undefined) {
        await logUserAction(
          this.#options.eventStreams,
          conversationId,
          initialMessageAction(initialMessage),
          options.secrets,
        );
      }
      return status;
    } catch (error) {
      this.#dropOwned(conversationId);
      await this.#options.leases.release(lease).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A message must find an owner: when no process holds the conversation live, this one takes it
   * (with what a takeover would start it with) before the message is logged.
   */
  async #ensureOwner(conversation: ConversationMetadata): Promise<void> {
    const { conversationId, userId } = conversation;
    if ((await this.#options.leases.liveOwner(conversationId)) !== undefined) return;
    await makeRoomInCluster(conversation, this.#options);
    const lease = await this.#options.leases.acquire(conversationId, userId);
    if (lease === undefined) return;
    const found = await this.#options.loadForTakeover(conversationId, userId);
    if (found === undefined) {
      await this.#options.leases.release(lease);
      return;
    }
    await this.#startOwned(found.conversation, found.options, lease, { takeover: false });
  }

  /** As the manager: once shutdown began, nothing new is taken (REST 503, an error frame). */
  #refuseWhenClosed(): void {
    if (this.#closed) throw shuttingDownError();
  }

  #lose(lease: Lease): void {
    const owned = this.#owned.get(lease.conversationId);
    if (owned === undefined || owned.lease.generation !== lease.generation) return;
    this.#options.logger.warn(
      { conversationId: lease.conversationId, generation: lease.generation },
      'lost the lease of a conversation: dropping its loop',
    );
    this.#dropOwned(lease.conversationId);
    this.#options.manager.discard(lease.conversationId);
  }

  #dropOwned(conversationId: string): Owned | undefined {
    const owned = this.#owned.get(conversationId);
    if (owned === undefined) return undefined;
    this.#owned.delete(conversationId);
    owned.stopFollowing();
    return owned;
  }
}
