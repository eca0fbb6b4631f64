import { isAction, type LlmMetrics } from '@parley/protocol';
import type { EventStore, StoredEvent } from '../../events/event-store.js';

/** What an agent loop takes back from the log when it starts. */
export interface LoopMemory {
  /** The latest `llm_metrics` logged, if any. */
  latestMetrics: LlmMetrics | undefined;
  /** `client_message_id`s of the user messages already logged (a resend is ignored). */
  acceptedClientIds: string[];
  /** Whether a user message was logged (the title comes from the first one). */
  sawUserMessage: boolean;
}

/** The conversation's log without streaming deltas: a turn's history. */
export async function readConversationLog(
  eventStore: EventStore,
  conversationId: string,
  signal?: AbortSignal,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of eventStore.iterate(conversationId, {
    filter: { excludeTypes: ['StreamingDelta'] },
    ...(signal === undefined ? {} : { signal }),
  })) {
    events.push(event);
  }
  return events;
}

/** Reads the log back: the latest `llm_metrics`, accepted client ids, whether a user spoke. */
export async function readLoopMemory(
  eventStore: EventStore,
  conversationId: string,
): Promise<LoopMemory> {
  const memory: LoopMemory = {
    latestMetrics: undefined,
    acceptedClientIds: [],
    sawUserMessage: false,
  };
  for await (const event of eventStore.iterate(conversationId, {
    filter: { excludeTypes: ['StreamingDelta'] },
  })) {
    if (!isAction(event) && !('observation' in event)) continue;
    if ('llm_metrics' in event && event.llm_metrics !== undefined) {
      memory.latestMetrics = event.llm_metrics;
    }
    if (isAction(event) && event.action === 'message' && event.source === 'user') {
      memory.sawUserMessage = true;
      const clientId = event.args.client_message_id;
      if (clientId !== undefined) memory.acceptedClientIds.push(clientId);
    }
  }
  return memory;
}
