import { isAction, type ActionEvent, type AgentState } from '@parley/protocol';
import type { StoredEvent } from '../../events/event-store.js';
import type { LanguageModel } from '../../llm/language-model.js';
import type { ModelSettings } from '../../llm/model-settings.js';
import { interruptedStates } from '../interrupted-conversations.js';
import { ConfirmationGate } from './confirmation-gate.js';
import { LlmMetricsAccumulator } from './llm-metrics-accumulator.js';
import { describe } from './llm-error-status.js';
import { LoopLog } from './loop-log.js';
import { readConversationLog, readLoopMemory, restoredMetrics } from './loop-memory.js';
import { runTurn, type TurnContext } from './turn-runner.js';
import type { AgentLoopOptions } from './agent-loop-options.js';
import { runUserCommand } from './user-command.js';
import { initialMessageAction, UserMessages } from './user-messages.js';
import { actOnUserAction, agentStoppedError, type UserActionTarget } from './user-actions.js';

type Turn = { controller: AbortController; done: Promise<void> };

/**
 * One conversation's agent: a state machine over upstream's agent states in which every transition
 * is an `agent_state_changed` event. User messages are logged at once and answered one turn each,
 * in order; a stop aborts the turn's one AbortSignal (LLM request, retry sleep, tool) and nothing
 * of that turn is appended after the stop's state event.
 */
export class AgentLoop {
  readonly conversationId: string;
  readonly userId: string;
  readonly #options: AgentLoopOptions;
  #llm: ModelSettings;
  /** Every append of the loop, and the agent state it last recorded. */
  readonly #log: LoopLog;
  #ready = false;
  /** Set when closing begins (or on discard): from then on no turn starts and no action is taken. */
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Settles when `start` has ended, however it ended. */
  #started: Promise<void> = Promise.resolve();
  #metrics: LlmMetricsAccumulator;
  #turn: Turn | undefined;
  /** Work of the conversation outside any turn (the title); aborted by every stop and close. */
  #sideWork = new AbortController();
  #lastTurnDone: Promise<void> = Promise.resolve();
  readonly #queue: number[] = [];
  readonly #userMessages: UserMessages;
  #lastActiveAt: number;
  readonly #confirmations = new ConfirmationGate();

  constructor(options: AgentLoopOptions) {
    this.#options = options;
    this.conversationId = options.conversationId;
    this.userId = options.userId;
    this.#llm = options.llm;
    this.#metrics = new LlmMetricsAccumulator(options.llm.model);
    this.#lastActiveAt = options.now();
    this.#log = new LoopLog(options.stream, () => this.#touch(), options.lease);
    this.#userMessages = new UserMessages((text) =>
      options.onFirstMessage?.(text, this.#sideWork.signal),
    );
  }

  get ready(): boolean {
    return this.#ready;
  }

  get agentState(): AgentState {
    return this.#log.state;
  }

  /** True while a turn runs (upstream's "agent state is RUNNING"). */
  get busy(): boolean {
    return this.#turn !== undefined || !this.#ready;
  }

  /** @throws ParleyError AGENT_NOT_AWAITING_CONFIRMATION when no action waits for an answer. */
  assertAwaitingConfirmation(): void {
    this.#confirmations.assertWaiting();
  }

  /** Resolves when the latest turn has finished unwinding (its LLM call and tools ended). */
  settled(): Promise<void> {
    return this.#lastTurnDone;
  }

  get lastActiveAt(): number {
    return this.#lastActiveAt;
  }

  set llm(llm: ModelSettings) {
    this.#llm = llm;
  }

  /** `loading`, then the log is read back (metrics, accepted client ids), then ready. */
  start(initialMessage?: { content: string; imageUrls: string[] }): Promise<void> {
    const started = this.#start(initialMessage);
    this.#started = started.then(
      () => undefined,
      () => undefined,
    );
    return started;
  }

  async #start(initialMessage?: { content: string; imageUrls: string[] }): Promise<void> {
    await this.#log.appendState('loading');
    const unanswered = await this.#restore();
    this.#ready = true;
    // Closed while loading: nothing more is logged here, the close records how the loop ended.
    if (this.#closed) return;
    if (this.#options.answerQueued === true && unanswered.length > 0) {
      for (const id of unanswered) this.#queueMessage(id, '');
      return;
    }
    if (initialMessage === undefined) {
      await this.#log.appendState('awaiting_user_input');
      return;
    }
    await this.#acceptMessage(initialMessageAction(initialMessage));
  }

  /** Hands a client action to the agent (upstream `Session.dispatch`): logged, then acted on. */
  async dispatch(action: ActionEvent): Promise<void> {
    if (this.#closed) throw agentStoppedError();
    this.#touch();
    if (action.action === 'message') return this.#acceptMessage(action);
    const target = action.action === 'change_agent_state' ? action.args.agent_state : undefined;
    if (target === 'user_confirmed' || target === 'user_rejected')
      this.assertAwaitingConfirmation();
    const [stored] = await this.#log.append([{ ...action, source: 'user' }]);
    if (stored !== undefined) await actOnUserAction(stored, this.#actionTarget);
  }

  /**
   * A user action already in the log (a cluster: logged by whichever process the client talks
   * to), acted on as if it had been dispatched here. A resent message is not answered twice, an
   * answer with no confirmation pending is ignored.
   */
  async takeLoggedAction(stored: StoredEvent): Promise<void> {
    if (this.#closed || !isAction(stored) || stored.source !== 'user') return;
    this.#touch();
    if (stored.action === 'message') {
      if (this.#userMessages.acceptLogged(stored.id, stored.args.client_message_id))
        this.#queueMessage(stored.id, stored.args.content);
      return;
    }
    await actOnUserAction(stored, this.#actionTarget);
  }

  readonly #actionTarget: UserActionTarget = {
    runCommand: (action, command) =>
      void runUserCommand(action, command, {
        ...this.#options,
        log: this.#log,
        signal: this.#sideWork.signal,
      }),
    confirmationPending: () => this.#confirmations.pendingActionId !== undefined,
    answerConfirmation: (answer) => this.#confirmations.answer(answer),
    stopTurn: (state) => this.stopTurn(state),
    resume: () => {
      if (this.#turn === undefined) this.#startTurn(undefined);
    },
  };

  /**
   * Aborts the running turn (LLM request, retry sleep, tool) and records `state`. Pending queued
   * messages stay in the log unanswered. Resolves once the state event is committed.
   */
  async stopTurn(state: 'stopped' | 'paused', reason = ''): Promise<void> {
    const turn = this.#turn;
    this.#turn = undefined;
    this.#queue.length = 0;
    turn?.controller.abort(new Error(`agent ${state}`));
    this.#abortSideWork(new Error(`agent ${state}`));
    await this.#log.appendState(state, { reason });
  }

  /**
   * Ends the loop. At once, no turn may start any more (a message whose append is in flight stays
   * in the log unanswered); a start under way finishes first; then any turn is aborted and, when
   * `stoppedEvent` is set or work was under way (a turn, or a start still `loading`), `stopped` is
   * logged with `reason`, so nothing of this loop follows it. Idempotent.
   */
  close(options: { stoppedEvent: boolean; reason?: string }): Promise<void> {
    // A discarded loop (closed without a close) logs nothing.
    this.#closing ??= this.#closed ? Promise.resolve() : this.#close(options);
    return this.#closing;
  }

  async #close(options: { stoppedEvent: boolean; reason?: string }): Promise<void> {
    this.#closed = true;
    if (!this.#ready) await this.#started;
    const interrupted = this.#turn !== undefined || interruptedStates.has(this.#log.state);
    try {
      if (options.stoppedEvent || interrupted) await this.stopTurn('stopped', options.reason ?? '');
    } finally {
      this.#abortSideWork(new Error('agent closed'));
      await this.#options.tools.close();
      this.#options.releaseStream();
    }
  }

  /** Aborts any turn and forgets everything without logging (the conversation is being deleted). */
  discard(): void {
    this.#closed = true;
    this.#turn?.controller.abort(new Error('conversation deleted'));
    this.#turn = undefined;
    this.#abortSideWork(new Error('conversation deleted'));
    void this.#options.tools.close();
    this.#options.releaseStream();
  }

  /** Aborts the work outside turns; later work gets a fresh signal. */
  #abortSideWork(reason: Error): void {
    this.#sideWork.abort(reason);
    this.#sideWork = new AbortController();
  }

  async #acceptMessage(action: ActionEvent): Promise<void> {
    if (action.action !== 'message') return;
    if (!this.#userMessages.accept(action.args.client_message_id)) return;
    const [stored] = await this.#log.append([{ ...action, source: 'user' }]);
    if (stored !== undefined) this.#queueMessage(stored.id, action.args.content);
  }

  #queueMessage(id: number, content: string): void {
    this.#userMessages.queued(id, content);
    this.#queue.push(id);
    this.#pump();
  }

  #pump(): void {
    if (this.#closed || this.#turn !== undefined || !this.#ready) return;
    const next = this.#queue.shift();
    if (next !== undefined) this.#startTurn(next);
  }

  #startTurn(answering: number | undefined): void {
    if (this.#closed) return;
    const controller = new AbortController();
    const turn: Turn = { controller, done: Promise.resolve() };
    this.#turn = turn;
    turn.done = this.#runTurn(turn, answering)
      .catch((error: unknown) => {
        this.#options.logger.error({ err: error }, 'agent turn failed');
      })
      .finally(() => {
        if (this.#turn === turn) this.#turn = undefined;
        this.#pump();
      });
    this.#lastTurnDone = turn.done;
  }

  async #runTurn(turn: Turn, answering: number | undefined): Promise<void> {
    const { signal } = turn.controller;
    await this.#log.appendState('running', { cause: answering, signal });
    if (signal.aborted) return;
    let model: LanguageModel;
    try {
      model = this.#options.createModel(this.#llm);
    } catch (error) {
      await this.#log.appendState('error', { reason: describe(error), signal });
      return;
    }
    this.#metrics.maxBudgetPerTask = this.#options.maxBudgetPerTask;
    const context: TurnContext = {
      signal,
      model,
      tools: this.#options.tools,
      metrics: this.#metrics,
      settings: { ...this.#options.settings, maxBudgetPerTask: this.#options.maxBudgetPerTask },
      pendingMessageIds: () => new Set(this.#queue),
      readLog: (readSignal) =>
        readConversationLog(this.#options.eventStore, this.conversationId, readSignal),
      append: (events) => this.#log.append(events, signal),
      setState: (state) => void this.#log.appendState(state, { signal }).catch(() => undefined),
      currentState: () => this.#log.state,
      sendStatus: (update) => this.#options.sendStatus(update),
      awaitConfirmation: (actionId) => this.#confirmations.awaitAnswer(actionId, signal, this.#log),
    };
    const outcome = await runTurn(context);
    if (outcome.state === 'aborted' || signal.aborted) return;
    await this.#log.appendState(outcome.state, {
      reason: outcome.state === 'error' ? outcome.reason : '',
      signal,
    });
  }

  /**
   * Takes back from the log what a restarted loop must know (metrics, client ids, a user spoke);
   * resolves with the user messages no turn took up.
   */
  async #restore(): Promise<number[]> {
    const memory = await readLoopMemory(this.#options.eventStore, this.conversationId);
    this.#userMessages.restore(memory);
    this.#metrics = restoredMetrics(memory, this.#llm.model, this.#options.logger) ?? this.#metrics;
    return memory.unansweredMessageIds;
  }

  #touch(): void {
    this.#lastActiveAt = this.#options.now();
  }
}
