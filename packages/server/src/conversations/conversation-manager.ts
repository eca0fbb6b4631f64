import type { ActionEvent, ConversationStatus } from '@parley/protocol';
import type { EventStore } from '../events/event-store.js';
import type { EventStreams } from '../events/event-streams.js';
import type { LanguageModel } from '../llm/language-model.js';
import type { ModelSettings } from '../llm/model-settings.js';
import type { Logger } from '../shared/logger.js';
import type { AgentLoop } from './agent/agent-loop.js';
import type { AgentLoopStatus, AgentLoops, StartOptions } from './agent-loops.js';
import type { ConversationMetadata } from './conversation-metadata.js';
import { ConversationTitles } from './conversation-title.js';
import {
  silentNotifier,
  tooManyConversations,
  type RealtimeNotifier,
} from './realtime-notifier.js';
import { ToolRegistry } from './agent/tool-registry.js';
import {
  defaultConversationManagerSettings,
  shuttingDownError,
  type ConversationManagerSettings,
  type ManagerTimers,
} from './conversation-manager-settings.js';
import { createAgentLoop, type AgentLoopParts } from './create-agent-loop.js';

export type {
  ConversationManagerSettings,
  ManagerTimers,
} from './conversation-manager-settings.js';

export interface ConversationManagerOptions {
  eventStreams: EventStreams;
  eventStore: EventStore;
  createModel(llm: ModelSettings): LanguageModel;
  /** Stores a generated title; resolves false when the conversation is gone. */
  updateTitle(userId: string, conversationId: string, title: string): Promise<boolean>;
  settings?: Partial<ConversationManagerSettings>;
  /** Each conversation's tools; default: `think` and `finish` only (no sandbox). */
  toolsFor?: AgentLoopParts['toolsFor'];
  logger: Logger;
  /** Called after a loop closed or was dropped, however (a cluster releases its lease). */
  onLoopClosed?: (conversationId: string) => void;
  /** Milliseconds since the epoch (injectable for tests). */
  now?: () => number;
  timers?: ManagerTimers;
}

/**
 * Upstream's standalone conversation manager (reference §5.1) as the `AgentLoops` seam: starts an
 * agent loop per conversation on demand, at most `maxRunningPerUser` per user (starting one more
 * closes the least recently active, whose clients hear `AGENT_ERROR$TOO_MANY_CONVERSATIONS`),
 * hands client actions to loops, and closes loops idle for `closeDelayMs` that have no connection
 * and no turn running. Unlike upstream, `closeDelayMs = 0` disables idle closing without ending
 * the cleanup loop, and a cleanup error is logged and the loop carries on.
 */
export class ConversationManager implements AgentLoops {
  readonly #options: ConversationManagerOptions;
  readonly #settings: ConversationManagerSettings;
  readonly #now: () => number;
  readonly #timers: ManagerTimers;
  readonly #loops = new Map<string, AgentLoop>();
  readonly #starting = new Map<string, Promise<void>>();
  /** Title tasks under way; `close` waits for them (they end at once once their loop closed). */
  readonly #titles = new ConversationTitles();
  #notifier: RealtimeNotifier = silentNotifier;
  /** What every loop is built from (`createAgentLoop`). */
  readonly #loopParts: AgentLoopParts;
  #cleanupHandle: unknown;
  #closed = false;

  constructor(options: ConversationManagerOptions) {
    this.#options = options;
    this.#settings = { ...defaultConversationManagerSettings, ...options.settings };
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? {
      setInterval: (callback, milliseconds) => setInterval(callback, milliseconds).unref(),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
    };
    this.#loopParts = {
      eventStreams: options.eventStreams,
      eventStore: options.eventStore,
      createModel: (llm) => options.createModel(llm),
      updateTitle: (userId, conversationId, title) =>
        options.updateTitle(userId, conversationId, title),
      settings: this.#settings,
      toolsFor: options.toolsFor ?? (() => ({ registry: new ToolRegistry() })),
      titles: this.#titles,
      notifier: () => this.#notifier,
      now: this.#now,
      logger: options.logger,
    };
    this.#cleanupHandle = this.#timers.setInterval(() => {
      void this.cleanupIdle();
    }, this.#settings.cleanupIntervalMs);
  }

  /** The realtime layer, once it exists (it is built after the conversation services). */
  setNotifier(notifier: RealtimeNotifier): void {
    this.#notifier = notifier;
  }

  get notifier(): RealtimeNotifier {
    return this.#notifier;
  }

  status(conversationId: string): AgentLoopStatus {
    const loop = this.#loops.get(conversationId);
    const numConnections = this.#notifier.connectionCount(conversationId);
    if (loop === undefined) return { status: 'STOPPED', runtimeStatus: null, numConnections };
    if (!loop.ready) {
      return { status: 'STARTING', runtimeStatus: 'STATUS$STARTING_RUNTIME', numConnections };
    }
    return { status: 'RUNNING', runtimeStatus: 'STATUS$READY', numConnections };
  }

  /** Conversation ids with a loop, optionally only the user's (upstream `get_running_agent_loops`). */
  runningConversations(userId?: string): string[] {
    return [...this.#loops.values()]
      .filter((loop) => userId === undefined || loop.userId === userId)
      .map((loop) => loop.conversationId);
  }

  /** Socket connections per running conversation of the user (upstream `get_connections`). */
  connections(userId?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const id of this.runningConversations(userId)) {
      counts.set(id, this.#notifier.connectionCount(id));
    }
    return counts;
  }

  /** The loop of a conversation, if it runs (tests and the manager's own callers). */
  loop(conversationId: string): AgentLoop | undefined {
    return this.#loops.get(conversationId);
  }

  async start(
    conversation: ConversationMetadata,
    options: StartOptions,
  ): Promise<ConversationStatus> {
    this.#refuseWhenClosed();
    const { conversationId } = conversation;
    const existing = this.#loops.get(conversationId);
    if (existing !== undefined) {
      // The loop holds the stream, so the secrets stay with it.
      this.#options.eventStreams.get(conversationId).setSecrets(options.secrets);
      existing.llm = options.llm;
      await this.#starting.get(conversationId);
      this.#refuseWhenClosed();
      return this.status(conversationId).status;
    }
    await this.#makeRoomFor(conversation.userId);
    this.#refuseWhenClosed();
    // Another start of the same conversation may have won the race while room was made.
    if (this.#loops.has(conversationId)) return this.start(conversation, options);
    const loop = createAgentLoop(conversation, options, this.#loopParts);
    this.#loops.set(conversationId, loop);
    const starting = loop.start(options.initialMessage).finally(() => {
      this.#starting.delete(conversationId);
    });
    this.#starting.set(conversationId, starting);
    try {
      await starting;
    } catch (error) {
      if (this.#loops.get(conversationId) === loop) this.#loops.delete(conversationId);
      loop.discard();
      this.#options.onLoopClosed?.(conversationId);
      throw error;
    }
    this.#refuseWhenClosed();
    return this.status(conversationId).status;
  }

  async stop(conversationId: string): Promise<boolean> {
    const loop = this.#loops.get(conversationId);
    if (loop === undefined) return false;
    await this.#closeLoop(loop, { stoppedEvent: true });
    return true;
  }

  async dispatch(
    conversation: ConversationMetadata,
    action: ActionEvent,
    options: { secrets: Readonly<Record<string, string>> },
  ): Promise<void> {
    this.#refuseWhenClosed();
    const { conversationId } = conversation;
    const loop = this.#loops.get(conversationId);
    if (loop !== undefined) {
      this.#options.eventStreams.get(conversationId).updateSecrets(options.secrets);
      await this.#starting.get(conversationId);
      this.#refuseWhenClosed();
      // Unless the loop was closed meanwhile (a stop), it takes the action.
      if (this.#loops.get(conversationId) === loop) return loop.dispatch(action);
    }
    // No agent runs: the action is recorded (upstream refuses with `no_conversation`).
    const stream = this.#options.eventStreams.get(conversationId);
    stream.updateSecrets(options.secrets);
    await stream.append([{ ...action, source: 'user' }]);
  }

  /** Once shutdown began, nothing new is taken: REST answers 503, sockets get an error frame. */
  #refuseWhenClosed(): void {
    if (this.#closed) throw shuttingDownError();
  }

  /** Drops the loop, if any, and disconnects the conversation's clients (it is being deleted). */
  async forget(conversationId: string): Promise<void> {
    this.discard(conversationId);
    this.#notifier.disconnectConversation(conversationId);
  }

  /**
   * Drops the loop at once without logging anything: its turn, LLM request and tools are aborted.
   * For a conversation being deleted, or one whose lease another process took. Resolves to
   * whether a loop was there.
   */
  discard(conversationId: string): boolean {
    const loop = this.#loops.get(conversationId);
    if (loop === undefined) return false;
    this.#loops.delete(conversationId);
    loop.discard();
    this.#options.onLoopClosed?.(conversationId);
    return true;
  }

  /**
   * One cleanup round: closes loops idle for `closeDelayMs` with no connection and no turn
   * running. Errors are logged; the timer keeps running.
   */
  async cleanupIdle(): Promise<void> {
    if (this.#closed || this.#settings.closeDelayMs === 0) return;
    try {
      const cutoff = this.#now() - this.#settings.closeDelayMs;
      const idle = [...this.#loops.values()]
        .filter((loop) => !loop.busy && loop.lastActiveAt < cutoff)
        .filter((loop) => this.#notifier.connectionCount(loop.conversationId) === 0)
        .sort((a, b) => a.lastActiveAt - b.lastActiveAt);
      for (const loop of idle) await this.#closeLoop(loop, { stoppedEvent: false });
    } catch (error) {
      this.#options.logger.error({ err: error }, 'error cleaning up idle conversations');
    }
  }

  /**
   * Shutdown: from the first (synchronous) step on, `start` and `dispatch` refuse with
   * `SERVER_SHUTTING_DOWN` and no loop starts a turn; then every loop closes (a turn or start under
   * way is logged as `stopped`, "The server is shutting down.") and title tasks end.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.clearInterval(this.#cleanupHandle);
    const loops = [...this.#loops.values()];
    this.#loops.clear();
    await Promise.allSettled(
      loops.map((loop) =>
        loop.close({ stoppedEvent: false, reason: 'The server is shutting down.' }),
      ),
    );
    await this.#titles.settled();
  }

  async #makeRoomFor(userId: string): Promise<void> {
    const running = [...this.#loops.values()]
      .filter((loop) => loop.userId === userId)
      .sort((a, b) => a.lastActiveAt - b.lastActiveAt);
    while (running.length >= this.#settings.maxRunningPerUser) {
      const oldest = running.shift() as AgentLoop;
      this.#options.logger.info(
        { conversationId: oldest.conversationId },
        'too many conversations: closing the least recently active',
      );
      this.#notifier.sendStatusUpdate(oldest.conversationId, tooManyConversations);
      await this.#closeLoop(oldest, { stoppedEvent: true });
    }
  }

  async #closeLoop(loop: AgentLoop, options: { stoppedEvent: boolean }): Promise<void> {
    if (this.#loops.get(loop.conversationId) === loop) this.#loops.delete(loop.conversationId);
    try {
      await loop.close(options);
    } finally {
      this.#options.onLoopClosed?.(loop.conversationId);
      this.#notifier.disconnectConversation(loop.conversationId);
    }
  }
}
