import { isAction, type LlmMetrics } from '@parley/protocol';
import type { EventStore, StoredEvent } from '../../events/event-store.js';
import type { Logger } from '../../shared/logger.js';
import { LlmMetricsAccumulator } from './llm-metrics-accumulator.js';

/** What an agent loop takes back from the log when it starts. */
export interface LoopMemory {
  /** The latest `llm_metrics` logged, if any. */
  latestMetrics: LlmMetrics | undefined;
  /** `client_message_id`s of the user messages already logged (a resend is ignored). */
  acceptedClientIds: string[];
  /** Whether a user message was logged (the title comes from the first one). */
  sawUserMessage: boolean;
  /**
   * User messages no turn took up: logged after the last one a turn answered (the `cause` of its
   * `running` state) and after the last stop or pause (which drops the queue). A loop taking over
   * from a process that died answers them.
   */
  unansweredMessageIds: number[];
  /** The id up to which every user message was answered, taken up or dropped by a stop (-1). */
  handledThrough: number;
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
    unansweredMessageIds: [],
    handledThrough: -1,
  };
  for await (const event of eventStore.iterate(conversationId, {
    filter: { excludeTypes: ['StreamingDelta'] },
  })) {
    if (!isAction(event) && !('observation' in event)) continue;
    if ('llm_metrics' in event && event.llm_metrics !== undefined) {
      memory.latestMetrics = event.llm_metrics;
    }
    if ('observation' in event && event.observation === 'agent_state_changed') {
      const state = event.extras.agent_state;
      if (state === 'stopped' || state === 'paused') memory.handledThrough = event.id;
      if (state === 'running' && event.cause !== undefined)
        memory.handledThrough = Math.max(memory.handledThrough, event.cause);
      const handled = memory.handledThrough;
      memory.unansweredMessageIds = memory.unansweredMessageIds.filter((id) => id > handled);
    }
    if (isAction(event) && event.action === 'message' && event.source === 'user') {
      memory.sawUserMessage = true;
      memory.unansweredMessageIds.push(event.id);
      const clientId = event.args.client_message_id;
      if (clientId !== undefined) memory.acceptedClientIds.push(clientId);
    }
  }
  return memory;
}

/** The conversation's metrics as last logged; undefined when none were, or they are unreadable. */
export function restoredMetrics(
  memory: LoopMemory,
  model: string,
  logger: Logger,
): LlmMetricsAccumulator | undefined {
  if (memory.latestMetrics === undefined) return undefined;
  try {
    return LlmMetricsAccumulator.fromJSON(memory.latestMetrics, model);
  } catch (error) {
    logger.warn({ err: error }, 'stored llm_metrics unreadable; starting afresh');
    return undefined;
  }
}
