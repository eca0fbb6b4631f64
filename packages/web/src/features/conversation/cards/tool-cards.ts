/**
 * From the event list to tool cards: each tool action becomes one card holding its result (the
 * observation, rejection or tool error that names it as `action_id`), the command output streamed
 * so far, and whether the user is asked to confirm it. Results that found their action are not
 * shown again on their own.
 */
import type {
  V1ActionEvent,
  V1AgentErrorEvent,
  V1Event,
  V1ExecutionStatus,
  V1ObservationEvent,
  V1UserRejectObservation,
} from '@parley/protocol';

export type ToolResult = V1ObservationEvent | V1UserRejectObservation | V1AgentErrorEvent;

/**
 * - `awaiting_confirmation`: the agent waits for the user to confirm or reject it;
 * - `running`: no result yet while the agent is at work;
 * - `succeeded` / `failed` / `rejected`: its result says so;
 * - `unfinished`: no result, and the agent is no longer working on it (a stop, an error).
 */
export type ToolCardState =
  'awaiting_confirmation' | 'running' | 'succeeded' | 'failed' | 'rejected' | 'unfinished';

export interface ToolCardModel {
  action: V1ActionEvent;
  result: ToolResult | undefined;
  /** Output streamed while the command runs; undefined once the result has it, or for other tools. */
  liveOutput: string | undefined;
  state: ToolCardState;
}

export interface ToolCards {
  /** The card of each action, by the action's id. */
  byActionId: ReadonlyMap<string, ToolCardModel>;
  /** Ids of events shown inside a card (results), or replaced by a later copy of their action. */
  hiddenIds: ReadonlySet<string>;
}

function isToolResult(event: V1Event): event is ToolResult {
  return (
    event.kind === 'ObservationEvent' ||
    event.kind === 'UserRejectObservation' ||
    event.kind === 'AgentErrorEvent'
  );
}

/** Whether a result reports a failure (a rejection is its own state). */
export function resultFailed(result: ToolResult): boolean {
  if (result.kind === 'AgentErrorEvent') return true;
  if (result.kind === 'UserRejectObservation') return false;
  const { observation } = result;
  switch (observation.kind) {
    case 'ExecuteBashObservation':
      return (
        observation.error ||
        observation.timeout ||
        (observation.exit_code !== null && observation.exit_code !== 0)
      );
    case 'FileEditorObservation':
      return observation.error !== null;
    case 'MCPToolObservation':
      return observation.is_error;
  }
}

function stateOf(
  action: V1ActionEvent,
  result: ToolResult | undefined,
  executionStatus: V1ExecutionStatus | null,
): ToolCardState {
  if (result !== undefined) {
    if (result.kind === 'UserRejectObservation') return 'rejected';
    return resultFailed(result) ? 'failed' : 'succeeded';
  }
  if (executionStatus === 'waiting_for_confirmation') {
    return action.confirmation_state === 'awaiting_confirmation'
      ? 'awaiting_confirmation'
      : 'unfinished';
  }
  return executionStatus === 'running' || executionStatus === null ? 'running' : 'unfinished';
}

/**
 * The cards of `events` (in log order). An action logged again once answered (upstream logs the
 * confirmed or rejected action anew, with the same tool call id) replaces its earlier copy that
 * awaited confirmation. The latest result naming an action is its result.
 */
export function buildToolCards(
  events: readonly V1Event[],
  liveOutput: Readonly<Record<string, string>>,
  executionStatus: V1ExecutionStatus | null,
): ToolCards {
  const actions = new Map<string, V1ActionEvent>();
  const results = new Map<string, ToolResult>();
  const hiddenIds = new Set<string>();
  const awaitingByToolCall = new Map<string, string>();
  for (const event of events) {
    if (event.kind === 'ActionEvent') {
      const toolCallId = event.tool_call_id;
      const earlier = toolCallId === undefined ? undefined : awaitingByToolCall.get(toolCallId);
      if (earlier !== undefined && event.confirmation_state !== 'awaiting_confirmation') {
        if (!results.has(earlier)) {
          hiddenIds.add(earlier);
          actions.delete(earlier);
        }
        awaitingByToolCall.delete(toolCallId as string);
      }
      if (toolCallId !== undefined && event.confirmation_state === 'awaiting_confirmation') {
        awaitingByToolCall.set(toolCallId, event.id);
      }
      actions.set(event.id, event);
    } else if (isToolResult(event) && event.action_id !== undefined) {
      if (!actions.has(event.action_id)) continue;
      results.set(event.action_id, event);
      hiddenIds.add(event.id);
    }
  }
  const byActionId = new Map<string, ToolCardModel>();
  for (const [id, action] of actions) {
    const result = results.get(id);
    byActionId.set(id, {
      action,
      result,
      liveOutput: result?.kind === 'ObservationEvent' ? undefined : liveOutput[id],
      state: stateOf(action, result, executionStatus),
    });
  }
  return { byActionId, hiddenIds };
}
