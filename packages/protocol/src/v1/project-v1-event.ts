import type { AgentFinishAction, MessageAction } from '../v0/action-event.js';
import type { EventSource } from '../v0/event-source.js';
import type { EventTypeName } from '../v0/event-type-names.js';
import { isAction, isObservation } from '../v0/parley-event.js';
import type { ParleyEvent } from '../v0/parley-event.js';
import type { V1Content } from './v1-content.js';
import type { V1Event, V1EventKind, V1MessageEvent } from './v1-events.js';
import { executionStatusForAgentState } from './v1-execution-status.js';
import { causeId, optional } from './v1-frame-fields.js';
import { bashToolName, toolActionEvent, toolObservationEvent } from './project-v1-tool-events.js';
import { toolIdentity } from './v1-tool-calls.js';

/** A log entry as the store returns it: the id and timestamp are set. */
export type LoggedEvent = ParleyEvent & { id: number; timestamp: string };

/**
 * Which V0 types become which V1 kind. The types missing here have no V1 form and are never sent on
 * the V1 face: null actions and observations (upstream hides them from replays too), recall actions
 * and observations (V1 folds knowledge recall into the agent's own context), think actions and
 * observations (a V1 agent's thinking travels inside its next action), and
 * `change_agent_state` actions (a V1 client controls the agent over REST, and the state it reaches
 * arrives as a `ConversationStateUpdateEvent`).
 */
const v0TypeNamesByKind: Readonly<Record<V1EventKind, readonly EventTypeName[]>> = {
  MessageEvent: ['MessageAction', 'AgentFinishAction'],
  ActionEvent: ['CmdRunAction', 'FileEditAction', 'FileReadAction', 'MCPAction'],
  ObservationEvent: [
    'CmdOutputObservation',
    'FileEditObservation',
    'FileReadObservation',
    'MCPObservation',
  ],
  AgentErrorEvent: ['ErrorObservation'],
  UserRejectObservation: ['UserRejectObservation'],
  SystemPromptEvent: ['SystemMessageAction'],
  ConversationStateUpdateEvent: ['AgentStateChangedObservation'],
  StreamingDeltaEvent: ['StreamingDelta'],
};

export const v1EventKinds = Object.keys(v0TypeNamesByKind) as readonly V1EventKind[];

/** The V0 type names whose entries project to `kind`; empty for a kind Parley never sends. */
export function v0TypeNamesForV1Kind(kind: string): readonly EventTypeName[] {
  return Object.hasOwn(v0TypeNamesByKind, kind) ? v0TypeNamesByKind[kind as V1EventKind] : [];
}

/**
 * The V0 type names of the V1 history: every projectable type except streaming deltas, which are
 * partial output that the final message supersedes (a history count or search returns them only
 * when asked for by kind).
 */
export const v1HistoryTypeNames: readonly EventTypeName[] = v1EventKinds
  .filter((kind) => kind !== 'StreamingDeltaEvent')
  .flatMap((kind) => v0TypeNamesByKind[kind]);

/**
 * One log entry as a V1 frame (reference §3.2), or undefined when it has no V1 form (see
 * `v0TypeNamesByKind`). The frame's `id` is the log id as a string and its `timestamp` the stored
 * one. A missing source falls back to the sender the V1 kind implies.
 */
export function projectV1Event(event: LoggedEvent): V1Event | undefined {
  const id = String(event.id);
  const timestamp = event.timestamp;
  if (isAction(event)) {
    switch (event.action) {
      case 'message':
        return messageEvent(event, id, timestamp);
      case 'finish':
        return finishMessageEvent(event, id, timestamp);
      case 'run':
      case 'edit':
      case 'read':
      case 'call_tool_mcp':
        return toolActionEvent(event, id, timestamp);
      case 'system':
        return {
          kind: 'SystemPromptEvent',
          id,
          timestamp,
          source: event.source ?? 'agent',
          system_prompt: { type: 'text', text: event.args.content },
          tools: [...(event.args.tools ?? [])],
        };
      default:
        return undefined;
    }
  }
  if (isObservation(event)) {
    switch (event.observation) {
      case 'run':
      case 'edit':
      case 'read':
      case 'mcp':
        return toolObservationEvent(event, id, timestamp);
      case 'error':
        return {
          kind: 'AgentErrorEvent',
          id,
          timestamp,
          source: 'agent',
          ...toolIdentity(event.tool_call_metadata),
          error: event.content,
          ...optional('action_id', causeId(event.cause)),
        };
      case 'user_rejected':
        return {
          kind: 'UserRejectObservation',
          id,
          timestamp,
          source: 'environment',
          tool_name: event.tool_call_metadata?.function_name ?? bashToolName,
          ...optional('tool_call_id', event.tool_call_metadata?.tool_call_id),
          rejection_reason: rejectionReason(event.content),
          ...optional('action_id', causeId(event.cause)),
        };
      case 'agent_state_changed':
        return {
          kind: 'ConversationStateUpdateEvent',
          id,
          timestamp,
          source: 'environment',
          key: 'execution_status',
          value: executionStatusForAgentState(event.extras.agent_state),
        };
      default:
        return undefined;
    }
  }
  return {
    kind: 'StreamingDeltaEvent',
    id,
    timestamp,
    source: 'agent',
    content: event.streaming_delta.content,
    reasoning_content: event.streaming_delta.reasoning_content ?? null,
    ...optional('action_id', causeId(event.cause)),
  };
}

function messageEvent(event: MessageAction, id: string, timestamp: string): V1MessageEvent {
  const source: EventSource = event.source ?? 'user';
  const content: V1Content[] = [{ type: 'text', text: event.args.content }];
  const imageUrls = event.args.image_urls ?? [];
  if (imageUrls.length > 0) content.push({ type: 'image', image_urls: [...imageUrls] });
  return {
    kind: 'MessageEvent',
    id,
    timestamp,
    source,
    llm_message: { role: source === 'user' ? 'user' : 'assistant', content },
    activated_skills: [],
    extended_content: [],
  };
}

/** The agent's closing words: its final thought, else its thought, else the stored message. */
function finishMessageEvent(
  event: AgentFinishAction,
  id: string,
  timestamp: string,
): V1MessageEvent {
  const text = firstNonEmpty(event.args.final_thought, event.args.thought, event.message) ?? '';
  return {
    kind: 'MessageEvent',
    id,
    timestamp,
    source: event.source ?? 'agent',
    llm_message: { role: 'assistant', content: [{ type: 'text', text }] },
    activated_skills: [],
    extended_content: [],
  };
}

/** Upstream's V0 wording around a rejection's reason; V1 carries the reason alone. */
const rejectionPrefix = /^Action has been rejected by the user!(?:\s*Reason:)?\s*/;

function rejectionReason(content: string): string {
  const reason = content.replace(rejectionPrefix, '').trim();
  return reason === '' ? 'User rejected the action' : reason;
}

function firstNonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.find((value) => value !== undefined && value !== '');
}
