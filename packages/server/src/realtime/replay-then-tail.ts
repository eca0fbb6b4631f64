import { isObservation } from '@parley/protocol';
import type { EventStore, StoredEvent } from '../events/event-store.js';
import { delay } from '../shared/abort.js';
import type { ConversationHub } from './conversation-hub.js';
import type { RealtimeConnection } from './realtime-connection.js';

export interface ReplayThenTailOptions {
  eventStore: EventStore;
  hub: ConversationHub;
  connection: RealtimeConnection;
  /** The client's cursor: the replay sends ids greater than this (-1: everything). */
  afterId: number;
  /** The replay pauses while the connection has more than this many bytes waiting. */
  replayBufferBytes: number;
  /** Fires when the connection goes away; the replay then stops quietly. */
  signal: AbortSignal;
  /** Events read per query (default 200). */
  pageSize?: number;
}

/** How often a paused replay looks at the connection's buffer again. */
const bufferPollMs = 5;

/**
 * Design.md §3: register with the hub first (it buffers live events from then on), read the backlog
 * after the cursor page by page, send it, then let the hub drain the buffer (dropping ids already
 * read) and switch the connection to live in one synchronous step. Every id after the cursor reaches
 * the client exactly once, in order, whatever is appended meanwhile.
 *
 * The replay is this connection's own work, so unlike the live fan-out it may wait: it pauses while
 * the client has not read what was already sent, and so never floods a slow client's buffer. Each
 * page read goes out as one batch of writes (`batchWrites`), in id order; a batch ends early when
 * more than `replayBufferBytes` wait, and the rest of the page follows once the client has read.
 */
export async function replayThenTail(options: ReplayThenTailOptions): Promise<void> {
  const { eventStore, hub, connection, signal } = options;
  const conversationId = hub.conversationId;
  hub.register(connection);
  // Read at the first agent-state change the replay meets: a log without one after the cursor (or
  // a face whose rules ignore it) then costs no backwards scan of the whole range.
  let latestAgentStateId: number | undefined;
  let lastReadId = options.afterId;
  const stopped = (): boolean => connection.closed || signal.aborted;
  for await (const { events: page, payloads } of eventStore.iteratePages(conversationId, {
    startId: options.afterId + 1,
    pageSize: options.pageSize ?? 200,
    signal,
  })) {
    if (latestAgentStateId === undefined && page.some(isAgentStateChange)) {
      latestAgentStateId = await findLatestAgentStateId(
        eventStore,
        conversationId,
        options.afterId,
        signal,
      );
    }
    const agentStateId = latestAgentStateId ?? -1;
    let next = 0;
    while (next < page.length) {
      if (stopped()) return;
      // A page leaves in one batch of writes, cut short when the client has enough waiting.
      connection.batchWrites(() => {
        do {
          const event = page[next] as StoredEvent;
          lastReadId = event.id;
          hub.noteEventId(event.id);
          connection.sendReplayed(event, agentStateId, payloads[next]);
          next++;
        } while (
          next < page.length &&
          connection.bufferedBytes() <= options.replayBufferBytes &&
          !connection.closed
        );
      });
      while (connection.bufferedBytes() > options.replayBufferBytes && !stopped()) {
        await delay(bufferPollMs, { signal });
      }
    }
  }
  if (connection.closed || signal.aborted) return;
  hub.goLive(connection, lastReadId);
}

function isAgentStateChange(event: StoredEvent): boolean {
  return isObservation(event) && event.observation === 'agent_state_changed';
}

/** The id of the conversation's latest agent-state change after `afterId`, or -1. */
async function findLatestAgentStateId(
  eventStore: EventStore,
  conversationId: string,
  afterId: number,
  signal: AbortSignal,
): Promise<number> {
  const result = await eventStore.search(conversationId, {
    startId: afterId + 1,
    reverse: true,
    limit: 1,
    filter: { includeTypes: ['AgentStateChangedObservation'] },
    signal,
  });
  return result.events[0]?.id ?? -1;
}
