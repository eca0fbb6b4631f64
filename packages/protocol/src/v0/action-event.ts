import { z } from 'zod';
import { agentStateSchema } from './agent-state.js';
import { confirmationStateSchema } from './confirmation-state.js';
import { emptyObjectWhenMissing, eventCommonFields } from './event-common-fields.js';
import { isOneOf } from './is-one-of.js';
import { securityRiskSchema } from './security-risk.js';
import {
  fileEditActionArgsSchema,
  fileReadActionArgsSchema,
  mcpActionArgsSchema,
} from './tool-action-args.js';

/** Upstream `action` values that Parley models. */
export const actionTypes = [
  'message',
  'system',
  'change_agent_state',
  'run',
  'edit',
  'read',
  'call_tool_mcp',
  'finish',
  'recall',
  'think',
  'null',
] as const;

export type ActionType = (typeof actionTypes)[number];

export const isActionType = isOneOf(actionTypes);

// Args are strict, like upstream's dataclass constructors: an unknown key is an error.
// Keys are listed in upstream dataclass field order, which is the order they are serialized in.

export const messageActionArgsSchema = z.strictObject({
  content: z.string(),
  file_urls: z.array(z.string()).nullable().optional(),
  image_urls: z.array(z.string()).nullable().optional(),
  wait_for_response: z.boolean().optional(),
  security_risk: securityRiskSchema.optional(),
  /**
   * Parley's extension: an id the client picks for the message. A resend with an id the
   * conversation already accepted is ignored, so a client may retry a send safely.
   */
  client_message_id: z.string().min(1).max(200).optional(),
});

export const systemMessageActionArgsSchema = z.strictObject({
  content: z.string(),
  tools: z.array(z.unknown()).nullable().optional(),
  openhands_version: z.string().nullable().optional(),
  agent_class: z.string().nullable().optional(),
});

export const changeAgentStateActionArgsSchema = z.strictObject({
  agent_state: agentStateSchema,
  thought: z.string().optional(),
});

export const cmdRunActionArgsSchema = z.strictObject({
  command: z.string(),
  is_input: z.boolean().optional(),
  thought: z.string().optional(),
  blocking: z.boolean().optional(),
  is_static: z.boolean().optional(),
  cwd: z.string().nullable().optional(),
  hidden: z.boolean().optional(),
  confirmation_state: confirmationStateSchema.optional(),
  security_risk: securityRiskSchema.optional(),
});

export const agentFinishActionArgsSchema = z.strictObject({
  final_thought: z.string().optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  thought: z.string().optional(),
});

export const recallActionArgsSchema = z.strictObject({
  recall_type: z.string().optional(),
  query: z.string().optional(),
  thought: z.string().optional(),
});

/** Upstream `AgentThinkAction`: the agent notes a thought; nothing runs. */
export const agentThinkActionArgsSchema = z.strictObject({
  thought: z.string().optional(),
});

export const nullActionArgsSchema = z.strictObject({});

/** Seconds; upstream's hard timeout, present only when set. */
export const actionTimeoutSchema = z.number().nonnegative();

function actionEventSchemaFor<const Type extends ActionType, Args extends z.ZodObject>(
  type: Type,
  args: Args,
) {
  return z.object({
    ...eventCommonFields,
    action: z.literal(type),
    // Upstream reads a missing `args` as `{}`; it still has to satisfy the type's args schema.
    args: z.preprocess(emptyObjectWhenMissing, args),
    timeout: actionTimeoutSchema.optional(),
  });
}

export const messageActionSchema = actionEventSchemaFor('message', messageActionArgsSchema);
export const systemMessageActionSchema = actionEventSchemaFor(
  'system',
  systemMessageActionArgsSchema,
);
export const changeAgentStateActionSchema = actionEventSchemaFor(
  'change_agent_state',
  changeAgentStateActionArgsSchema,
);
export const cmdRunActionSchema = actionEventSchemaFor('run', cmdRunActionArgsSchema);
export const fileEditActionSchema = actionEventSchemaFor('edit', fileEditActionArgsSchema);
export const fileReadActionSchema = actionEventSchemaFor('read', fileReadActionArgsSchema);
export const mcpActionSchema = actionEventSchemaFor('call_tool_mcp', mcpActionArgsSchema);
export const agentFinishActionSchema = actionEventSchemaFor('finish', agentFinishActionArgsSchema);
export const recallActionSchema = actionEventSchemaFor('recall', recallActionArgsSchema);
export const agentThinkActionSchema = actionEventSchemaFor('think', agentThinkActionArgsSchema);
export const nullActionSchema = actionEventSchemaFor('null', nullActionArgsSchema);

export const actionEventSchema = z.discriminatedUnion('action', [
  messageActionSchema,
  systemMessageActionSchema,
  changeAgentStateActionSchema,
  cmdRunActionSchema,
  fileEditActionSchema,
  fileReadActionSchema,
  mcpActionSchema,
  agentFinishActionSchema,
  recallActionSchema,
  agentThinkActionSchema,
  nullActionSchema,
]);

export type MessageAction = z.output<typeof messageActionSchema>;
export type SystemMessageAction = z.output<typeof systemMessageActionSchema>;
export type ChangeAgentStateAction = z.output<typeof changeAgentStateActionSchema>;
export type CmdRunAction = z.output<typeof cmdRunActionSchema>;
export type FileEditAction = z.output<typeof fileEditActionSchema>;
export type FileReadAction = z.output<typeof fileReadActionSchema>;
export type McpAction = z.output<typeof mcpActionSchema>;
export type AgentFinishAction = z.output<typeof agentFinishActionSchema>;
export type RecallAction = z.output<typeof recallActionSchema>;
export type AgentThinkAction = z.output<typeof agentThinkActionSchema>;
export type NullAction = z.output<typeof nullActionSchema>;

export type ActionEvent = z.output<typeof actionEventSchema>;
