/**
 * The shape of one conversation's stream state and the actions that change it; the rules are the
 * reducer's (`conversation-stream.ts`).
 */
import type { V1Event, V1ExecutionStatus } from '@parley/protocol';
import type { ConversationMetrics } from '../api';

export type ConnectionState = 'CONNECTING' | 'OPEN' | 'RECONNECTING' | 'CLOSED';

export interface TerminalEntry {
  type: 'input' | 'output';
  content: string;
  /** The id of the event it came from. */
  eventId: string;
}

/** Assistant text assembled from streaming deltas. */
export interface PartialReply {
  text: string;
  reasoning: string;
  /** Ids of the first and last delta it holds (for placing it among the events). */
  firstDeltaId: string;
  lastDeltaId: string;
}

export interface ConversationStreamState {
  connection: ConnectionState;
  /** True once any connection opened. */
  hasConnected: boolean;
  /** Stored events in id order (no deltas, no snapshots). */
  events: readonly V1Event[];
  /** Every event id taken so far, deltas included. */
  seenIds: ReadonlySet<string>;
  /** The highest log id seen: the `after_id` to resume from; null before any event. */
  lastEventId: string | null;
  /** The server's latest log id (snapshot and heartbeats), to see lag; null before either. */
  serverLatestEventId: number | null;
  optimisticMessage: string | null;
  errorMessage: string | null;
  isLoadingHistory: boolean;
  expectedHistoryCount: number | null;
  receivedHistoryCount: number;
  executionStatus: V1ExecutionStatus | null;
  terminal: readonly TerminalEntry[];
  /** The answer being streamed, or null. */
  streaming: PartialReply | null;
  /** Output of running commands so far, by the id of their action (deltas with `action_id`). */
  liveOutput: Readonly<Record<string, string>>;
  /** Partial answers cut short by a stop or an error, oldest first. */
  interruptedReplies: readonly PartialReply[];
  /** Deltas with a log id at or below this belong to a finished answer and are dropped. */
  supersededThrough: number;
  /** Id of the latest agent `MessageEvent` (metrics change with each). */
  lastAgentMessageId: string | null;
  metrics: ConversationMetrics | null;
}

export type ConversationStreamAction =
  | { type: 'connecting' }
  | { type: 'opened' }
  | { type: 'closed'; code: number; reason: string; willReconnect: boolean }
  | { type: 'frame'; data: string }
  /** The history size from REST, or null when it could not be read. */
  | { type: 'historyCount'; count: number | null }
  | { type: 'optimisticMessage'; text: string | null }
  | { type: 'errorMessage'; message: string | null }
  | { type: 'metrics'; metrics: ConversationMetrics | null };

export function initialConversationStreamState(): ConversationStreamState {
  return {
    connection: 'CONNECTING',
    hasConnected: false,
    events: [],
    seenIds: new Set(),
    lastEventId: null,
    serverLatestEventId: null,
    optimisticMessage: null,
    errorMessage: null,
    isLoadingHistory: true,
    expectedHistoryCount: null,
    receivedHistoryCount: 0,
    executionStatus: null,
    terminal: [],
    streaming: null,
    liveOutput: {},
    interruptedReplies: [],
    supersededThrough: -1,
    lastAgentMessageId: null,
    metrics: null,
  };
}
