import { z } from 'zod';
import { agentStateSchema } from '../v0/agent-state.js';
import { eventSourceSchema } from '../v0/event-source.js';
import { v1ContentSchema, v1TextContentSchema } from './v1-content.js';
import { v1ExecutionStatusSchema } from './v1-execution-status.js';

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

export const v1ExecuteBashActionSchema = z.object({
  kind: z.literal('ExecuteBashAction'),
  command: z.string(),
  is_input: z.boolean(),
  /** Seconds, or null for the tool's default. */
  timeout: z.number().nonnegative().nullable(),
  reset: z.boolean(),
});

/**
 * A tool call by the agent. `tool_call_id`, `tool_call` and `llm_response_id` are present only when
 * the logged action came from an LLM tool call (it has `tool_call_metadata`); a command the user ran
 * has none.
 */
export const v1ActionEventSchema = z.object({
  kind: z.literal('ActionEvent'),
  ...v1EventBase,
  thought: z.array(v1TextContentSchema),
  thinking_blocks: z.array(z.unknown()),
  action: v1ExecuteBashActionSchema,
  tool_name: z.string(),
  tool_call_id: z.string().optional(),
  tool_call: v1ToolCallSchema.optional(),
  llm_response_id: z.string().optional(),
  security_risk: v1SecurityRiskSchema,
});

export const v1ExecuteBashObservationSchema = z.object({
  kind: z.literal('ExecuteBashObservation'),
  output: z.string(),
  command: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  /** True when the command failed (V0 `success: false`). */
  error: z.boolean(),
  /** True when the command was still running when the tool stopped waiting (exit code -1). */
  timeout: z.boolean(),
  /** The shell's PS1 metadata (V0 `extras.metadata`), kept as is. */
  metadata: z.record(z.string(), z.unknown()),
});

/** The result of a tool call; `action_id` is the causing action's log id as a string. */
export const v1ObservationEventSchema = z.object({
  kind: z.literal('ObservationEvent'),
  ...v1EventBase,
  tool_name: z.string(),
  tool_call_id: z.string().optional(),
  observation: v1ExecuteBashObservationSchema,
  action_id: z.string().optional(),
});

export const v1AgentErrorEventSchema = z.object({
  kind: z.literal('AgentErrorEvent'),
  ...v1EventBase,
  tool_name: z.string().optional(),
  tool_call_id: z.string().optional(),
  error: z.string(),
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

/** A durable chunk of LLM output (design.md §4), superseded later by the final message. */
export const v1StreamingDeltaEventSchema = z.object({
  kind: z.literal('StreamingDeltaEvent'),
  ...v1EventBase,
  content: z.string().nullable(),
  reasoning_content: z.string().nullable(),
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
export type V1ExecuteBashAction = z.output<typeof v1ExecuteBashActionSchema>;
export type V1ExecuteBashObservation = z.output<typeof v1ExecuteBashObservationSchema>;
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
