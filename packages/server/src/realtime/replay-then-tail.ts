import { isObservation } from '@parley/protocol';
import type { EventStore, StoredEvent } from '../events/event-store.js';
import { abortedErrorFrom } from '../shared/abort.js';
import type { ConversationHub } from './conversation-hub.js';
import type { RealtimeConnection } from './realtime-connection.js';
import type { ReplayBudget } from './replay-budget.js';
import type { PageHold, ReplayPage } from './replay-page.js';
import type { ReplayPages } from './replay-pages.js';

export interface ReplayThenTailOptions {
  /** Where the latest agent-state change is looked up (the pages come from `pages`). */
  eventStore: EventStore;
  pages: ReplayPages;
  hub: ConversationHub;
  connection: RealtimeConnection;
  /** The client's cursor: the replay sends ids greater than this (-1: everything). */
  afterId: number;
  /** The replay pauses while the connection has more than this many bytes waiting. */
  replayBufferBytes: number;
  /** Fires when the connection goes away; the replay then stops quietly and lets go of its page. */
  signal: AbortSignal;
  /** The page from `afterId + 1`, already held: the face waited for it before taking the client. */
  firstPage?: PageHold;
}

/**
 * What a connection that copies the frames it is written (Socket.IO long-polling, whose payloads
 * are strings made per response) holds of the budget besides the shared page, in multiples of the
 * page's stored size: the packets and the response they are joined into.
 */
const ownCopyFactor = 2;

/**
 * Design.md §3: register with the hub first (it buffers live events from then on), read the backlog
 * after the cursor page by page, send it, then let the hub drain the buffer (dropping ids already
 * read) and switch the connection to live in one synchronous step. Every id after the cursor reaches
 * the client exactly once, in order, whatever is appended meanwhile.
 *
 * Pages come from `ReplayPages`: shared with every replay of the same range and counted against the
 * replay budget until written. The replay holds one page at a time and lets go of it once every
 * frame of it has been handed to the kernel (or the connection closed), so a replay's memory is one
 * page however long the log. A page that reached the log's end ends the replay only if it was
 * measured after this connection registered with the hub (else events committed in between could
 * be missing: it reads on from there).
 *
 * The replay is this connection's own work, so unlike the live fan-out it may wait: it pauses while
 * the client has more than `replayBufferBytes` unsent, and so never floods a slow client's buffer.
 * A client that holds a page unsent for the budget's wait bound while other replays wait for
 * budget is closed as a slow consumer (it resumes later from its last id).
 */
export async function replayThenTail(options: ReplayThenTailOptions): Promise<void> {
  const { pages, hub, connection, signal } = options;
  const conversationId = hub.conversationId;
  let hold = options.firstPage;
  try {
    hub.register(connection);
    await hub.ready;
    const registeredAt = pages.mark();
    const progress: ReplayProgress = { lastReadId: options.afterId, latestAgentStateId: undefined };
    let measuredAfter: number | undefined;
    for (;;) {
      hold ??= await pages.hold(conversationId, progress.lastReadId + 1, {
        priority: 'continuing',
        signal,
        measuredAfter,
      });
      // The page is read through the hold only: released, the hold lets go of it, and nothing
      // of this function's frame keeps it while the next page is awaited.
      const outcome = await replayHeldPage(hold, progress, registeredAt, options);
      hold.release();
      hold = undefined;
      if (outcome === 'stopped') return;
      if (outcome === 'ended') break;
      // An end seen before this connection registered is stale: look again past it.
      measuredAfter = outcome === 'stale end' ? registeredAt : undefined;
    }
    if (connection.closed || signal.aborted) return;
    hub.goLive(connection, progress.lastReadId);
  } finally {
    hold?.release();
  }
}

/** Where a replay is: the last id it sent, and the latest agent-state change once it met one. */
interface ReplayProgress {
  lastReadId: number;
  /**
   * Read at the first agent-state change the replay meets: a log without one after the cursor (or
   * a face whose rules ignore it) then costs no backwards scan of the whole range.
   */
  latestAgentStateId: number | undefined;
}

/**
 * Sends the held page. `ended`: it reached the log's end as measured after `registeredAt`; `stale
 * end`: it reached an end measured before; `more`: the log goes on; `stopped`: the connection
 * went or was cut.
 */
async function replayHeldPage(
  hold: PageHold,
  progress: ReplayProgress,
  registeredAt: number,
  options: ReplayThenTailOptions,
): Promise<'ended' | 'stale end' | 'more' | 'stopped'> {
  const page = hold.page;
  if (page.events.length > 0) {
    if (progress.latestAgentStateId === undefined && page.events.some(isAgentStateChange)) {
      progress.latestAgentStateId = await findLatestAgentStateId(options);
    }
    if (!(await sendPage(page, progress.latestAgentStateId ?? -1, options))) return 'stopped';
    progress.lastReadId = page.endId;
  }
  if (!page.reachedEnd) return 'more';
  return page.measuredAt > registeredAt ? 'ended' : 'stale end';
}

/**
 * Writes one page in batches (each ends early once the client has enough waiting), then waits
 * until all of it has left the process. False when the replay must stop: the connection closed or
 * was cut as a slow consumer.
 */
async function sendPage(
  page: ReplayPage,
  agentStateId: number,
  options: ReplayThenTailOptions,
): Promise<boolean> {
  const { connection, hub, signal } = options;
  const budget = options.pages.budget;
  const stopped = (): boolean => connection.closed || signal.aborted;
  const ownCopy = connection.sharesReplayFrames
    ? undefined
    : await budget.acquire(page.bytes * ownCopyFactor, { priority: 'continuing', signal });
  try {
    let next = 0;
    while (next < page.events.length) {
      if (stopped()) return false;
      // A page leaves in one batch of writes, cut short when the client has enough waiting.
      connection.batchWrites(() => {
        do {
          hub.noteEventId((page.events[next] as StoredEvent).id);
          connection.sendReplayed(page, next, agentStateId);
          next++;
        } while (
          next < page.events.length &&
          connection.bufferedBytes() <= options.replayBufferBytes &&
          !connection.closed
        );
      });
      if (connection.bufferedBytes() > options.replayBufferBytes) {
        if (!(await untilWritten(connection, budget, signal))) return cutSlowConsumer(options);
      }
    }
    // The page counts against the budget until it has left the process.
    if (!(await untilWritten(connection, budget, signal))) return cutSlowConsumer(options);
    return !stopped();
  } finally {
    ownCopy?.release();
  }
}

function cutSlowConsumer(options: ReplayThenTailOptions): false {
  options.hub.closeSlowConsumer(options.connection);
  return false;
}

/**
 * Resolves true once everything written to the connection has been handed to the kernel. Every
 * `budget.waitMs` it is not, it looks whether other replays wait for budget: then it resolves false
 * (the client holds memory others need). Rejects with `AbortedError` when `signal` fires.
 */
function untilWritten(
  connection: RealtimeConnection,
  budget: ReplayBudget,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedErrorFrom(signal));
      return;
    }
    // whenWritten may call back at once, before the timer and listener below exist.
    let written = false;
    let waiting = false;
    connection.whenWritten(() => {
      written = true;
      if (!waiting) return;
      finish();
      resolve(true);
    });
    if (written) {
      resolve(true);
      return;
    }
    const timer = setInterval(() => {
      if (budget.waitingCount === 0) return;
      finish();
      resolve(false);
    }, budget.waitMs);
    const onAbort = (): void => {
      finish();
      reject(abortedErrorFrom(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    waiting = true;
    function finish(): void {
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
    }
  });
}

function isAgentStateChange(event: StoredEvent): boolean {
  return isObservation(event) && event.observation === 'agent_state_changed';
}

/** The id of the conversation's latest agent-state change after the replay's cursor, or -1. */
async function findLatestAgentStateId(options: ReplayThenTailOptions): Promise<number> {
  const result = await options.eventStore.search(options.hub.conversationId, {
    startId: options.afterId + 1,
    reverse: true,
    limit: 1,
    filter: { includeTypes: ['AgentStateChangedObservation'] },
    signal: options.signal,
  });
  return result.events[0]?.id ?? -1;
}
