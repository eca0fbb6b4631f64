import {
  agentStateChangedObservation,
  eventMessage,
  isAction,
  isObservation,
  type AgentState,
} from '@parley/protocol';
import type { AppendFence, NewEvent, StoredEvent } from '../../events/event-store.js';
import type { EventStream } from '../../events/event-stream.js';
import { AbortedError, ParleyError } from '../../shared/errors.js';

/** A cluster's lease on the conversation: every append carries it; a refusal reports the loss. */
export interface LoopLease {
  fence: AppendFence;
  /** Called when the store refused an append because another process owns the conversation now. */
  onLost(): void;
}

/**
 * An agent loop's writes to its conversation's log, and the agent state they last recorded. With
 * a turn's signal, an append is skipped (→ []) once that signal fired, and one that was waiting when
 * it fired is dropped, so nothing of a stopped turn follows its stop.
 */
export class LoopLog {
  readonly #stream: EventStream;
  readonly #onAppend: () => void;
  readonly #lease: LoopLease | undefined;
  #state: AgentState = 'loading';

  /** `onAppend` is called before every append that is not skipped (the loop's activity clock). */
  constructor(stream: EventStream, onAppend: () => void, lease?: LoopLease) {
    this.#stream = stream;
    this.#onAppend = onAppend;
    this.#lease = lease;
  }

  /** The state of the latest state change appended (or being appended). */
  get state(): AgentState {
    return this.#state;
  }

  /** Appends a state change; with a turn's signal it is skipped once that turn was stopped. */
  async appendState(
    state: AgentState,
    options: { reason?: string; cause?: number | undefined; signal?: AbortSignal } = {},
  ): Promise<void> {
    if (options.signal?.aborted === true) return;
    this.#state = state;
    await this.append(
      [
        {
          ...agentStateChangedObservation(state, options.reason ?? ''),
          source: 'environment',
          ...(options.cause === undefined ? {} : { cause: options.cause }),
        },
      ],
      options.signal,
    );
  }

  /**
   * Every append of the loop: skipped (→ []) once `signal` fired, so a stopped turn adds nothing.
   * An action or observation without a `message` gets the one upstream derives.
   */
  async append(events: readonly NewEvent[], signal?: AbortSignal): Promise<StoredEvent[]> {
    if (signal?.aborted === true) return [];
    this.#onAppend();
    try {
      return await this.#stream.append(events.map(withUpstreamMessage), {
        signal,
        fence: this.#lease?.fence,
      });
    } catch (error) {
      // The turn was stopped while its append waited: it is dropped, as intended.
      if (signal !== undefined && error instanceof AbortedError) return [];
      if (error instanceof ParleyError && error.code === 'CONVERSATION_LEASE_LOST') {
        this.#lease?.onLost();
      }
      throw error;
    }
  }
}

/**
 * Upstream serializes every action and observation with its `message`, and the stock web UI keeps
 * only events that have one: without it, a tool's action and observation never reach its chat,
 * and its changes tab is never refreshed after a command or an edit.
 */
function withUpstreamMessage(event: NewEvent): NewEvent {
  if (!isAction(event) && !isObservation(event)) return event;
  if (event.message !== undefined) return event;
  return { ...event, message: eventMessage(event) };
}
