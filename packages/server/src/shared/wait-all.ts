import { MultipleErrors } from './errors.js';
import { withTimeout } from './with-timeout.js';

/** Upstream's `GENERAL_TIMEOUT` (15 s). */
export const defaultWaitAllTimeoutMs = 15_000;

export interface WaitAllOptions {
  /** Milliseconds before unfinished tasks are aborted; `Infinity` means no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Starts every task at once (each gets its own signal) and resolves with their results in input
 * order, like upstream's `wait_all`.
 *
 * Failures: like upstream, waitAll waits for every task to settle before it reports failures (no
 * task is left running behind the caller's back): one failure rejects with that error, several
 * reject with `MultipleErrors` whose `errors` are in input order.
 *
 * Timeout: the signals of the tasks still running are aborted (reason: the `TimeoutError`) and
 * waitAll rejects at once with `TimeoutError`, even if some tasks had already failed. Tasks that
 * finished keep an un-aborted signal.
 *
 * Outer abort: running tasks' signals are aborted and waitAll rejects at once with `AbortedError`.
 * An already-aborted signal rejects without starting any task. Empty input resolves to `[]`.
 */
export function waitAll<T>(
  tasks: Iterable<(signal: AbortSignal) => Promise<T>>,
  options: WaitAllOptions = {},
): Promise<T[]> {
  const { timeoutMs = defaultWaitAllTimeoutMs, signal } = options;
  const taskList = Array.from(tasks);
  return withTimeout((combinedSignal) => settleAll(taskList, combinedSignal), {
    timeoutMs,
    signal,
  });
}

async function settleAll<T>(
  tasks: readonly ((signal: AbortSignal) => Promise<T>)[],
  signal: AbortSignal,
): Promise<T[]> {
  if (tasks.length === 0) return [];
  const runs = tasks.map(() => ({ controller: new AbortController(), isFinished: false }));
  const onAbort = (): void => {
    for (const run of runs) if (!run.isFinished) run.controller.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const outcomes = await Promise.allSettled(
      tasks.map(async (task, index) => {
        const run = runs[index] as (typeof runs)[number];
        try {
          return await task(run.controller.signal);
        } finally {
          run.isFinished = true;
        }
      }),
    );
    const errors = outcomes
      .filter((outcome) => outcome.status === 'rejected')
      .map((outcome) => outcome.reason as unknown);
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new MultipleErrors(errors);
    return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
