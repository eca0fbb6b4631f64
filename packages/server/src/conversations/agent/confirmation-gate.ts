import { abortedErrorFrom } from '../../shared/abort.js';
import { ParleyError } from '../../shared/errors.js';
import type { LoopLog } from './loop-log.js';

export interface ConfirmationAnswer {
  readonly accepted: boolean;
  readonly reason: string;
}

/**
 * Confirmation mode's wait: a turn's action waits here until the user confirms or rejects it (or
 * the turn is stopped). At most one action waits at a time.
 */
export class ConfirmationGate {
  #waiting: { actionId: number; answer(answer: ConfirmationAnswer): void } | undefined;

  /** The id of the action awaiting the user's answer, if any. */
  get pendingActionId(): number | undefined {
    return this.#waiting?.actionId;
  }

  /** @throws ParleyError AGENT_NOT_AWAITING_CONFIRMATION when no action waits. */
  assertWaiting(): void {
    if (this.#waiting !== undefined) return;
    throw new ParleyError(
      'AGENT_NOT_AWAITING_CONFIRMATION',
      'No action of this conversation is awaiting confirmation',
    );
  }

  /**
   * The turn's side: logs `awaiting_user_confirmation`, waits for the answer, logs it as
   * `user_confirmed` or `user_rejected` and then `running`, and resolves with it.
   */
  async awaitAnswer(
    actionId: number,
    signal: AbortSignal,
    log: LoopLog,
  ): Promise<ConfirmationAnswer> {
    // Waiting starts before the state is logged, so an answer right after it finds the action.
    const answered = this.wait(actionId, signal);
    answered.catch(() => undefined);
    await log.appendState('awaiting_user_confirmation', { signal });
    const answer = await answered;
    await log.appendState(answer.accepted ? 'user_confirmed' : 'user_rejected', { signal });
    await log.appendState('running', { signal });
    return answer;
  }

  /** Waits for the answer to `actionId`; rejects with `AbortedError` when `signal` fires. */
  wait(actionId: number, signal: AbortSignal): Promise<ConfirmationAnswer> {
    if (signal.aborted) return Promise.reject(abortedErrorFrom(signal));
    return new Promise<ConfirmationAnswer>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiting = undefined;
        reject(abortedErrorFrom(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting = {
        actionId,
        answer: (answer) => {
          signal.removeEventListener('abort', onAbort);
          this.#waiting = undefined;
          resolve(answer);
        },
      };
    });
  }

  /** Answers the waiting action; false when none waits. */
  answer(answer: ConfirmationAnswer): boolean {
    const waiting = this.#waiting;
    if (waiting === undefined) return false;
    waiting.answer(answer);
    return true;
  }
}
