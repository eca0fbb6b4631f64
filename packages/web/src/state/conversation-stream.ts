/**
 * The state of one conversation as its V1 socket tells it, kept by a pure reducer
 * (`conversationStreamReducer`) so every rule is unit-testable without a socket. The rules follow
 * upstream's conversation WebSocket provider (reference §3.3, §3.4), with Parley's extensions:
 *
 * - Frames: text that is not JSON, and JSON that is not an event (`id` and `timestamp` non-empty
 *   strings, `source` one of agent/user/environment), is ignored. Events are kept only when they
 *   match the protocol's V1 schema; a valid-looking event of another kind counts as seen but is
 *   not stored. `{"kind":"Heartbeat"}` updates `serverLatestEventId`; `{"kind":"Error"}` (the
 *   server refused something this client sent) sets `errorMessage`.
 * - Event store: keyed by id, duplicates dropped (a reconnect may replay what was seen), kept in id
 *   order (log ids are decimal; other ids keep their arrival order at the end). `lastEventId` is
 *   the highest log id seen, the `after_id` to resume from. The `full_state` snapshot is state, not
 *   an event: it sets `executionStatus` and `serverLatestEventId` and is never stored.
 * - Optimistic message: set by the sender, cleared by the user `MessageEvent` that echoes it.
 * - Errors: an `AgentErrorEvent` sets `errorMessage` to its text; an abnormal close (any code but
 *   1000) sets "Connection lost: …" after a successful open, else "Failed to connect to server"
 *   (or the refusal: authentication failed, conversation not found). An open clears it, and so
 *   does the echo of a new user message (a new turn starts).
 * - History: `isLoadingHistory` is true until `expectedHistoryCount` (from
 *   `GET /api/v1/events/count`) distinct history events arrived; a failed count ends it, and so does
 *   a close with no reconnect coming. Streaming deltas and the snapshot are not history (the count
 *   leaves them out too).
 * - Execution status: from the snapshot and from `execution_status` updates.
 * - Terminal: `ExecuteBashAction` → input (`command`), `ExecuteBashObservation` → output.
 * - Live command output: a `StreamingDeltaEvent` with `action_id` is output of that running
 *   command; it accumulates in `liveOutput[action_id]` until an `ObservationEvent` naming the
 *   action arrives (it carries the whole output) and never touches the streamed answer.
 * - Streaming: `StreamingDeltaEvent` text (and reasoning) accumulates in `streaming` until the
 *   agent's `MessageEvent` supersedes it, or the agent's `ActionEvent` (its words before a tool
 *   call are the action's thought). Deltas carry log ids, so after a reload or reconnect mid-
 *   answer the replayed ones are dropped as seen, and those older than the last final message are
 *   dropped as superseded. When the status leaves `running` without a final message (a stop, an
 *   error) the partial text moves to `interruptedReplies`, to be shown where it stopped.
 * - Metrics come from REST (see `ConversationMetrics` in api/), stored here by the hook.
 */
import { v1EventSchema, v1ExecutionStatusSchema, type V1Event } from '@parley/protocol';
import type {
  ConversationStreamAction,
  ConversationStreamState,
} from './conversation-stream-state';
import { applyDelta, applyEvent, logIdNumber } from './stream-event-rules';

export { logIdNumber } from './stream-event-rules';

const eventSources: ReadonlySet<unknown> = new Set(['agent', 'user', 'environment']);

/** Upstream's `isV1Event`: a non-empty string id and timestamp and a known source. */
export function isV1EventLike(value: unknown): value is {
  id: string;
  timestamp: string;
  source: string;
  kind?: unknown;
} {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields['id'] === 'string' &&
    fields['id'] !== '' &&
    typeof fields['timestamp'] === 'string' &&
    fields['timestamp'] !== '' &&
    eventSources.has(fields['source'])
  );
}

export function conversationStreamReducer(
  state: ConversationStreamState,
  action: ConversationStreamAction,
): ConversationStreamState {
  switch (action.type) {
    case 'connecting':
      return state.connection === 'CONNECTING' ? state : { ...state, connection: 'CONNECTING' };
    case 'opened':
      return { ...state, connection: 'OPEN', hasConnected: true, errorMessage: null };
    case 'closed':
      return closed(state, action.code, action.reason, action.willReconnect);
    case 'frame':
      return frame(state, action.data);
    case 'historyCount':
      if (action.count === null) {
        return { ...state, expectedHistoryCount: null, isLoadingHistory: false };
      }
      return {
        ...state,
        expectedHistoryCount: action.count,
        isLoadingHistory: state.isLoadingHistory && state.receivedHistoryCount < action.count,
      };
    case 'optimisticMessage':
      return { ...state, optimisticMessage: action.text };
    case 'errorMessage':
      return { ...state, errorMessage: action.message };
    case 'metrics':
      return { ...state, metrics: action.metrics };
  }
}

function closed(
  state: ConversationStreamState,
  code: number,
  reason: string,
  willReconnect: boolean,
): ConversationStreamState {
  const next: ConversationStreamState = {
    ...state,
    connection: willReconnect ? 'RECONNECTING' : 'CLOSED',
    isLoadingHistory: willReconnect ? state.isLoadingHistory : false,
  };
  if (code === 1000) return next;
  next.errorMessage = closeErrorMessage(state.hasConnected, code, reason);
  return next;
}

function closeErrorMessage(hasConnected: boolean, code: number, reason: string): string {
  if (code === 4001) return 'Authentication failed: check the session API key';
  if (code === 4004) return 'Conversation not found';
  if (hasConnected) return `Connection lost: ${reason || 'Unexpected disconnect'}`;
  return 'Failed to connect to server';
}

function frame(state: ConversationStreamState, data: string): ConversationStreamState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return state;
  }
  if (typeof parsed !== 'object' || parsed === null) return state;
  const fields = parsed as Record<string, unknown>;
  if (fields['kind'] === 'Heartbeat') {
    const latest = fields['latest_event_id'];
    return typeof latest === 'number' && Number.isInteger(latest)
      ? { ...state, serverLatestEventId: latest }
      : state;
  }
  if (fields['kind'] === 'Error' && !isV1EventLike(parsed)) {
    const message = fields['message'];
    return typeof message === 'string' && message !== ''
      ? { ...state, errorMessage: message }
      : state;
  }
  if (!isV1EventLike(parsed)) return state;
  if (parsed.kind === 'ConversationStateUpdateEvent' && fields['key'] === 'full_state') {
    return fullState(state, fields['value']);
  }
  if (state.seenIds.has(parsed.id)) return state;

  const isDelta = parsed.kind === 'StreamingDeltaEvent';
  const seenIds = new Set(state.seenIds).add(parsed.id);
  const receivedHistoryCount = state.receivedHistoryCount + (isDelta ? 0 : 1);
  let next: ConversationStreamState = {
    ...state,
    seenIds,
    lastEventId: laterId(state.lastEventId, parsed.id),
    receivedHistoryCount,
    isLoadingHistory:
      state.isLoadingHistory &&
      (state.expectedHistoryCount === null || receivedHistoryCount < state.expectedHistoryCount),
  };
  if (isDelta) return applyDelta(next, parsed);

  const event = v1EventSchema.safeParse(parsed);
  if (!event.success) return next;
  next = { ...next, events: insertInIdOrder(state.events, event.data) };
  return applyEvent(next, event.data);
}

function fullState(state: ConversationStreamState, value: unknown): ConversationStreamState {
  if (typeof value !== 'object' || value === null) return state;
  const fields = value as Record<string, unknown>;
  const status = v1ExecutionStatusSchema.safeParse(fields['execution_status']);
  const latest = fields['latest_event_id'];
  return {
    ...state,
    executionStatus: status.success ? status.data : state.executionStatus,
    serverLatestEventId:
      typeof latest === 'number' && Number.isInteger(latest) ? latest : state.serverLatestEventId,
  };
}

/** The later of two ids: log ids compare as numbers; any other id counts as the latest. */
function laterId(current: string | null, id: string): string {
  if (current === null) return id;
  const currentNumber = logIdNumber(current);
  const idNumber = logIdNumber(id);
  if (currentNumber === undefined || idNumber === undefined) return id;
  return idNumber > currentNumber ? id : current;
}

/** Inserts by log id (an append in the usual case); events without a log id go last. */
function insertInIdOrder(events: readonly V1Event[], event: V1Event): V1Event[] {
  const logId = logIdNumber(event.id);
  if (logId === undefined) return [...events, event];
  let index = events.length;
  while (index > 0) {
    const before = logIdNumber((events[index - 1] as V1Event).id);
    if (before === undefined || before < logId) break;
    index -= 1;
  }
  return [...events.slice(0, index), event, ...events.slice(index)];
}
