import type { AgentState, V1Event, V1ExecutionStatus } from '@parley/protocol';

/** How the page sees the live link. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface InterruptedReply {
  /** The id of the last streamed chunk; the reply is shown after the events logged before it. */
  afterEventId: string;
  text: string;
}

/**
 * Everything the conversation page renders from the live stream. The page takes it as a value, so
 * the components do not care where it comes from: `use-conversation-view.ts` builds it from the data
 * layer's `useConversationStream`, tests build it by hand.
 */
export interface ConversationViewModel {
  /** Log events in id order, duplicates already dropped. */
  events: readonly V1Event[];
  /** The assistant's answer as streamed so far; empty when no answer is in progress. */
  partialText: string;
  /** Output of running commands so far, by the id of their action. */
  liveOutput?: Readonly<Record<string, string>>;
  /** Answers cut short by a stop or an error, each shown after the last event it followed. */
  interruptedReplies: readonly InterruptedReply[];
  executionStatus: V1ExecutionStatus | null;
  agentState: AgentState | null;
  connection: ConnectionState;
  isReconnecting: boolean;
  attemptCount: number;
  error: string | null;
  clearError?: () => void;
  isLoadingHistory: boolean;
  /** The user's message, shown until its echo arrives. */
  pendingMessage: string | null;
  sendMessage: (text: string) => void | Promise<void>;
  stop: () => void | Promise<void>;
  /** Runs (`true`) or rejects the action waiting for confirmation; rejects when refused. */
  respondToConfirmation?: (accept: boolean) => Promise<void>;
  reconnect?: () => void;
}

const busyAgentStates: ReadonlySet<AgentState> = new Set([
  'running',
  'user_confirmed',
  'rate_limited',
]);

/** A turn is parked on the user's confirmation: not busy, yet Stop still ends it. */
export function isAwaitingConfirmation(
  view: Pick<ConversationViewModel, 'executionStatus' | 'agentState'>,
): boolean {
  if (view.agentState !== null) return view.agentState === 'awaiting_user_confirmation';
  return view.executionStatus === 'waiting_for_confirmation';
}

/** The agent is working on an answer: the stop button is live and the badge pulses. */
export function isAgentBusy(
  view: Pick<ConversationViewModel, 'executionStatus' | 'agentState'>,
): boolean {
  if (view.agentState !== null) return busyAgentStates.has(view.agentState);
  return view.executionStatus === 'running';
}
