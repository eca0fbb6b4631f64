/**
 * Upstream's runtime runs one action at a time (one lock in its action execution server), and the
 * routes that read the workspace through actions (git changes, git diff, select-file) take their
 * turn behind the action in flight, so they see the workspace after it. The stock web UI asks for
 * the changes as soon as it receives a command's or an edit's action, which Parley logs before the
 * tool runs; those routes therefore wait here until the action is answered.
 *
 * What is waited for is read from the log, so it holds whoever runs the tool: the newest `run` or
 * `edit` actions with no observation caused by them, unless a state a turn ends in came later (a
 * stopped turn never answers its action) or the action awaits the user's confirmation (it has not
 * run). The wait ends after `maxWaitMs` at the latest; the caller's signal aborts it.
 */
import type { EventStore, StoredEvent } from '../events/event-store.js';
import { abortable } from '../shared/abort.js';

/** Actions whose tool works in the workspace and is answered by an observation caused by it. */
const workspaceActions: ReadonlySet<string> = new Set(['run', 'edit']);

/** States a turn ends in: an action still unanswered then never will be. */
const endingStates: ReadonlySet<string> = new Set([
  'awaiting_user_input',
  'finished',
  'stopped',
  'paused',
  'rejected',
  'error',
]);

/** How many of the newest events are looked at (a turn's tool calls are logged one at a time). */
const recentEventCount = 100;

/** Whether `newestFirst` (the log's newest events, newest first) has an action still running. */
export function hasRunningWorkspaceAction(newestFirst: readonly StoredEvent[]): boolean {
  const answered = new Set<number>();
  for (const event of newestFirst) {
    if ('observation' in event) {
      if (
        event.observation === 'agent_state_changed' &&
        endingStates.has(event.extras.agent_state)
      ) {
        return false;
      }
      if (event.cause !== undefined) answered.add(event.cause);
      continue;
    }
    if (!('action' in event) || !workspaceActions.has(event.action)) continue;
    const args = event.args as { confirmation_state?: string };
    if (args.confirmation_state === 'awaiting_confirmation') continue;
    if (!answered.has(event.id)) return true;
  }
  return false;
}

export interface WorkspaceActionWaitOptions {
  /** The longest wait; past it the caller goes on as if nothing were running. */
  maxWaitMs: number;
  signal?: AbortSignal;
}

/**
 * Resolves once the conversation has no `run` or `edit` action running (checked again after each
 * of its commits), or after `maxWaitMs`. Rejects with `AbortedError` when `signal` fires.
 */
export async function untilWorkspaceActionsAnswered(
  events: EventStore,
  conversationId: string,
  options: WorkspaceActionWaitOptions,
): Promise<void> {
  const { signal } = options;
  let wake: () => void = () => undefined;
  const stopListening = events.onCommit((committed) => {
    if (committed === conversationId) wake();
  });
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, options.maxWaitMs);
  });
  try {
    for (;;) {
      // Listen before reading, so a commit between the read and the wait is not missed.
      const committed = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const recent = await events.search(conversationId, {
        reverse: true,
        limit: recentEventCount,
        ...(signal === undefined ? {} : { signal }),
      });
      if (!hasRunningWorkspaceAction(recent.events) || timedOut) return;
      await abortable(Promise.race([committed, deadline]), signal);
    }
  } finally {
    clearTimeout(timer);
    stopListening();
  }
}
