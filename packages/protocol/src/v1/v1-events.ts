import { z } from 'zod';
import { agentStateSchema } from '../v0/agent-state.js';
import { eventSourceSchema } from '../v0/event-source.js';
import { v1ContentSchema, v1TextContentSchema } from './v1-content.js';
import { v1ExecutionStatusSchema } from './v1-execution-status.js';
import { v1ToolActionSchema, v1ToolObservationSchema } from './v1-tool-schemas.js';

// The frames of the V1 face (reference §3.2). Parley builds them from its log, so the schemas
// describe exactly what it sends: every key Parley writes is listed, and `parse` of a projected
// frame gives the same frame back.

/** Fields every V1 event frame has; `id` is the log id as a string. */
const v1EventBase = {
  id: z.string().min(1),
  timestamp: z.string().min(1),
  source: eventSourceSchema,
};

/** The sdk's `SecurityRisk` names. */
export const v1SecurityRisks = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH'] as const;

export const v1SecurityRiskSchema = z.enum(v1SecurityRisks);

export const v1LlmMessageSchema = z.object({
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  content: z.array(v1ContentSchema),
});

export const v1MessageEventSchema = z.object({
  kind: z.literal('MessageEvent'),
  ...v1EventBase,
  llm_message: v1LlmMessageSchema,
  activated_skills: z.array(z.string()),
  extended_content: z.array(v1TextContentSchema),
});

/** The tool call an action came from, as the LLM returned it (sdk `MessageToolCall`). */
export const v1ToolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The call's arguments as the JSON text the model produced. */
  arguments: z.string(),
  origin: z.literal('completion'),
});

/** The V0 `confirmation_state` of an action (confirmation mode). */
export const v1ConfirmationStateSchema = z.enum(['confirmed', 'rejected', 'awaiting_confirmation']);

/**
 * A tool call by the agent. `tool_call_id`, `tool_call` and `llm_response_id` are present only when
 * the logged action came from an LLM tool call (it has `tool_call_metadata`); a command the user ran
 * has none. `confirmation_state` is Parley's addition, present when the V0 action has one: an
 * action logged `awaiting_confirmation` waits for the user's answer (confirmation mode) while the
 * execution status is `waiting_for_confirmation` and no result names it as `action_id`.
 */
export const v1ActionEventSchema = z.object({
  kind: z.literal('ActionEvent'),
  ...v1EventBase,
  thought: z.array(v1TextContentSchema),
  thinking_blocks: z.array(z.unknown()),
  action: v1ToolActionSchema,
  tool_name: z.string(),
  tool_call_id: z.string().optional(),
  tool_call: v1ToolCallSchema.optional(),
  llm_response_id: z.string().optional(),
  security_risk: v1SecurityRiskSchema,
  confirmation_state: v1ConfirmationStateSchema.optional(),
});

/** The result of a tool call; `action_id` is the causing action's log id as a string. */
export const v1ObservationEventSchema = z.object({
  kind: z.literal('ObservationEvent'),
  ...v1EventBase,
  tool_name: z.string(),
  tool_call_id: z.string().optional(),
  observation: v1ToolObservationSchema,
  action_id: z.string().optional(),
});

/**
 * An error the agent met. `action_id` is Parley's addition: the log id of the action a failed tool
 * call came from (the V0 error observation's `cause`), so a client can mark that action failed.
 */
export const v1AgentErrorEventSchema = z.object({
  kind: z.literal('AgentErrorEvent'),
  ...v1EventBase,
  tool_name: z.string().optional(),
  tool_call_id: z.string().optional(),
  error: z.string(),
  action_id: z.string().optional(),
});

/** The user (or a hook) declined an action the agent asked to run. */
export const v1UserRejectObservationSchema = z.object({
  kind: z.literal('UserRejectObservation'),
  ...v1EventBase,
  tool_name: z.string(),
  tool_call_id: z.string().optional(),
  rejection_reason: z.string(),
  action_id: z.string().optional(),
});

/** The system prompt the agent started with. */
export const v1SystemPromptEventSchema = z.object({
  kind: z.literal('SystemPromptEvent'),
  ...v1EventBase,
  system_prompt: v1TextContentSchema,
  tools: z.array(z.unknown()),
});

/**
 * A change of conversation state. Projected log entries use `key: "execution_status"` with a
 * `V1ExecutionStatus` value; the realtime face also sends `key: "full_state"` with a state snapshot.
 */
export const v1ConversationStateUpdateEventSchema = z.object({
  kind: z.literal('ConversationStateUpdateEvent'),
  ...v1EventBase,
  key: z.string().min(1),
  value: z.unknown(),
});

/**
 * The `value` of the `full_state` update the V1 face sends first on every connection, before any
 * log event (upstream sends its whole `ConversationState` there; Parley sends what its log knows):
 * - `id` and `conversation_id`: the conversation (upstream's state calls it `id`);
 * - `execution_status`: from the latest agent-state change in the log, `idle` when there is none;
 * - `agent_state`: that change's V0 agent state, absent when the log has none;
 * - `latest_event_id`: the log's latest id when the snapshot was read, -1 while it is empty.
 */
export const v1FullStateSchema = z.object({
  id: z.string().min(1),
  conversation_id: z.string().min(1),
  execution_status: v1ExecutionStatusSchema,
  agent_state: agentStateSchema.optional(),
  latest_event_id: z.number().int().min(-1),
});

/**
 * A durable chunk of output (design.md §4), Parley's own kind. Without `action_id` it is LLM
 * output, superseded later by the final message. With `action_id` (the log id of a running
 * command's action, from the V0 delta's `cause`) it is that command's output as it runs,
 * superseded by the command's `ObservationEvent`, which carries the whole (capped) output.
 */
export const v1StreamingDeltaEventSchema = z.object({
  kind: z.literal('StreamingDeltaEvent'),
  ...v1EventBase,
  content: z.string().nullable(),
  reasoning_content: z.string().nullable(),
  action_id: z.string().optional(),
});

/** Every log-derived V1 frame, discriminated by `kind`. */
export const v1EventSchema = z.discriminatedUnion('kind', [
  v1MessageEventSchema,
  v1ActionEventSchema,
  v1ObservationEventSchema,
  v1AgentErrorEventSchema,
  v1UserRejectObservationSchema,
  v1SystemPromptEventSchema,
  v1ConversationStateUpdateEventSchema,
  v1StreamingDeltaEventSchema,
]);

/** Parley's liveness frame (design.md §6); not an event, so it has no id, timestamp or source. */
export const v1HeartbeatSchema = z.object({
  kind: z.literal('Heartbeat'),
  /** The conversation's latest log id, -1 while it is empty. */
  latest_event_id: z.number().int().min(-1),
});

/** Anything the V1 face writes to a client. */
export const v1ServerFrameSchema = z.discriminatedUnion('kind', [
  ...v1EventSchema.options,
  v1HeartbeatSchema,
]);

export type V1SecurityRisk = z.output<typeof v1SecurityRiskSchema>;
export type V1LlmMessage = z.output<typeof v1LlmMessageSchema>;
export type V1ToolCall = z.output<typeof v1ToolCallSchema>;
export type V1ConfirmationState = z.output<typeof v1ConfirmationStateSchema>;
export type V1MessageEvent = z.output<typeof v1MessageEventSchema>;
export type V1ActionEvent = z.output<typeof v1ActionEventSchema>;
export type V1ObservationEvent = z.output<typeof v1ObservationEventSchema>;
export type V1AgentErrorEvent = z.output<typeof v1AgentErrorEventSchema>;
export type V1UserRejectObservation = z.output<typeof v1UserRejectObservationSchema>;
export type V1SystemPromptEvent = z.output<typeof v1SystemPromptEventSchema>;
export type V1ConversationStateUpdateEvent = z.output<typeof v1ConversationStateUpdateEventSchema>;
export type V1FullState = z.output<typeof v1FullStateSchema>;
export type V1StreamingDeltaEvent = z.output<typeof v1StreamingDeltaEventSchema>;
export type V1Event = z.output<typeof v1EventSchema>;
export type V1EventKind = V1Event['kind'];
export type V1Heartbeat = z.output<typeof v1HeartbeatSchema>;
export type V1ServerFrame = z.output<typeof v1ServerFrameSchema>;
