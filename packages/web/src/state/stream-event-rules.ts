/**
 * What one stored event or streaming delta does to the conversation stream state (the reducer in
 * `conversation-stream.ts` decides which frames get here). The rules are listed there.
 */
import {
  v1ExecutionStatusSchema,
  v1StreamingDeltaEventSchema,
  type V1Event,
  type V1StreamingDeltaEvent,
} from '@parley/protocol';
import type { ConversationStreamState } from './conversation-stream-state';

/** The log id inside a frame id, or undefined for ids that are not decimal integers. */
export function logIdNumber(id: string): number | undefined {
  if (!/^\d{1,15}$/.test(id)) return undefined;
  return Number(id);
}

/** A streaming delta: a running command's output (with `action_id`), else the agent's answer. */
export function applyDelta(state: ConversationStreamState, raw: unknown): ConversationStreamState {
  const parsed = v1StreamingDeltaEventSchema.safeParse(raw);
  if (!parsed.success) return state;
  const event = parsed.data;
  if (event.action_id !== undefined) return commandOutput(state, event, event.action_id);
  const logId = logIdNumber(event.id);
  if (logId !== undefined && logId <= state.supersededThrough) return state;
  const text = event.content ?? '';
  const reasoning = event.reasoning_content ?? '';
  const current = state.streaming;
  return {
    ...state,
    streaming:
      current === null
        ? { text, reasoning, firstDeltaId: event.id, lastDeltaId: event.id }
        : {
            text: current.text + text,
            reasoning: current.reasoning + reasoning,
            firstDeltaId: current.firstDeltaId,
            lastDeltaId: event.id,
          },
  };
}

/** Output of a running command, kept until the command's observation replaces it. */
function commandOutput(
  state: ConversationStreamState,
  event: V1StreamingDeltaEvent,
  actionId: string,
): ConversationStreamState {
  const text = event.content ?? '';
  if (text === '') return state;
  return {
    ...state,
    liveOutput: { ...state.liveOutput, [actionId]: (state.liveOutput[actionId] ?? '') + text },
  };
}

/** The result of an action arrived: its live output is over (the result has the whole of it). */
function finishAction(state: ConversationStreamState, actionId: string): ConversationStreamState {
  if (!Object.hasOwn(state.liveOutput, actionId)) return state;
  const liveOutput = { ...state.liveOutput };
  delete liveOutput[actionId];
  return { ...state, liveOutput };
}

/** Ends the answer being streamed: the event that follows it in the log has its text. */
function supersedeStreaming(state: ConversationStreamState, id: string): ConversationStreamState {
  return {
    ...state,
    streaming: null,
    supersededThrough: Math.max(state.supersededThrough, logIdNumber(id) ?? -1),
  };
}

export function applyEvent(
  state: ConversationStreamState,
  event: V1Event,
): ConversationStreamState {
  switch (event.kind) {
    case 'MessageEvent':
      if (event.source === 'user') {
        return { ...state, optimisticMessage: null, errorMessage: null };
      }
      if (event.source === 'agent') {
        return { ...supersedeStreaming(state, event.id), lastAgentMessageId: event.id };
      }
      return state;
    case 'AgentErrorEvent':
      return { ...state, errorMessage: event.error };
    case 'ConversationStateUpdateEvent': {
      if (event.key !== 'execution_status') return state;
      const status = v1ExecutionStatusSchema.safeParse(event.value);
      if (!status.success) return state;
      const next = { ...state, executionStatus: status.data };
      if (status.data === 'running' || state.streaming === null) return next;
      return {
        ...next,
        streaming: null,
        interruptedReplies: [...state.interruptedReplies, state.streaming],
        supersededThrough: Math.max(state.supersededThrough, logIdNumber(event.id) ?? -1),
      };
    }
    case 'ActionEvent': {
      // The agent's words before a tool call are the action's thought.
      const next = event.source === 'agent' ? supersedeStreaming(state, event.id) : state;
      if (event.action.kind !== 'ExecuteBashAction') return next;
      return {
        ...next,
        terminal: [
          ...next.terminal,
          { type: 'input', content: event.action.command, eventId: event.id },
        ],
      };
    }
    case 'ObservationEvent': {
      const next = event.action_id === undefined ? state : finishAction(state, event.action_id);
      if (event.observation.kind !== 'ExecuteBashObservation') return next;
      return {
        ...next,
        terminal: [
          ...next.terminal,
          { type: 'output', content: event.observation.output, eventId: event.id },
        ],
      };
    }
    default:
      return state;
  }
}
