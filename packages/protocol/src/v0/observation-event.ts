import { z } from 'zod';
import { agentStateSchema } from './agent-state.js';
import { emptyObjectWhenMissing, eventCommonFields } from './event-common-fields.js';
import { isOneOf } from './is-one-of.js';
import {
  fileEditObservationExtrasSchema,
  fileReadObservationExtrasSchema,
  mcpObservationExtrasSchema,
} from './tool-observation-extras.js';

/** Upstream `observation` values that Parley models. */
export const observationTypes = [
  'agent_state_changed',
  'error',
  'run',
  'edit',
  'read',
  'mcp',
  'user_rejected',
  'recall',
  'think',
  'null',
] as const;

export type ObservationType = (typeof observationTypes)[number];

export const isObservationType = isOneOf(observationTypes);

// Extras are server-produced, so they are loose: unknown keys are kept as they are.
// Keys are listed in upstream dataclass field order, which is the order they are serialized in.

export const agentStateChangedObservationExtrasSchema = z.looseObject({
  agent_state: agentStateSchema,
  reason: z.string().optional(),
});

export const errorObservationExtrasSchema = z.looseObject({
  error_id: z.string().optional(),
});

/** Upstream `CmdOutputMetadata` (captured from the shell's PS1). */
export const cmdOutputMetadataSchema = z.looseObject({
  exit_code: z.number().int().optional(),
  pid: z.number().int().optional(),
  username: z.string().nullable().optional(),
  hostname: z.string().nullable().optional(),
  working_dir: z.string().nullable().optional(),
  py_interpreter_path: z.string().nullable().optional(),
  prefix: z.string().optional(),
  suffix: z.string().optional(),
});

export const cmdOutputObservationExtrasSchema = z.looseObject({
  command: z.string(),
  metadata: cmdOutputMetadataSchema.optional(),
  hidden: z.boolean().optional(),
});

export const userRejectObservationExtrasSchema = z.looseObject({});

export const recallObservationExtrasSchema = z.looseObject({
  recall_type: z.string().optional(),
});

export const agentThinkObservationExtrasSchema = z.looseObject({});

export const nullObservationExtrasSchema = z.looseObject({});

function observationEventSchemaFor<const Type extends ObservationType, Extras extends z.ZodObject>(
  type: Type,
  extras: Extras,
) {
  return z.object({
    ...eventCommonFields,
    observation: z.literal(type),
    // Upstream reads a missing `content` as '' and missing `extras` as {}.
    content: z.string().default(''),
    extras: z.preprocess(emptyObjectWhenMissing, extras),
  });
}

export const agentStateChangedObservationSchema = observationEventSchemaFor(
  'agent_state_changed',
  agentStateChangedObservationExtrasSchema,
);
export const errorObservationSchema = observationEventSchemaFor(
  'error',
  errorObservationExtrasSchema,
);
/** The only observation with the top-level `success` flag (upstream `CmdOutputObservation`). */
export const cmdOutputObservationSchema = observationEventSchemaFor(
  'run',
  cmdOutputObservationExtrasSchema,
).extend({ success: z.boolean().optional() });
export const fileEditObservationSchema = observationEventSchemaFor(
  'edit',
  fileEditObservationExtrasSchema,
);
export const fileReadObservationSchema = observationEventSchemaFor(
  'read',
  fileReadObservationExtrasSchema,
);
export const mcpObservationSchema = observationEventSchemaFor('mcp', mcpObservationExtrasSchema);
export const userRejectObservationSchema = observationEventSchemaFor(
  'user_rejected',
  userRejectObservationExtrasSchema,
);
export const recallObservationSchema = observationEventSchemaFor(
  'recall',
  recallObservationExtrasSchema,
);
/** Upstream `AgentThinkObservation`: the acknowledgement of a `think` action. */
export const agentThinkObservationSchema = observationEventSchemaFor(
  'think',
  agentThinkObservationExtrasSchema,
);
export const nullObservationSchema = observationEventSchemaFor('null', nullObservationExtrasSchema);

export const observationEventSchema = z.discriminatedUnion('observation', [
  agentStateChangedObservationSchema,
  errorObservationSchema,
  cmdOutputObservationSchema,
  fileEditObservationSchema,
  fileReadObservationSchema,
  mcpObservationSchema,
  userRejectObservationSchema,
  recallObservationSchema,
  agentThinkObservationSchema,
  nullObservationSchema,
]);

export type CmdOutputMetadata = z.output<typeof cmdOutputMetadataSchema>;

export type AgentStateChangedObservation = z.output<typeof agentStateChangedObservationSchema>;
export type ErrorObservation = z.output<typeof errorObservationSchema>;
export type CmdOutputObservation = z.output<typeof cmdOutputObservationSchema>;
export type FileEditObservation = z.output<typeof fileEditObservationSchema>;
export type FileReadObservation = z.output<typeof fileReadObservationSchema>;
export type McpObservation = z.output<typeof mcpObservationSchema>;
export type UserRejectObservation = z.output<typeof userRejectObservationSchema>;
export type RecallObservation = z.output<typeof recallObservationSchema>;
export type AgentThinkObservation = z.output<typeof agentThinkObservationSchema>;
export type NullObservation = z.output<typeof nullObservationSchema>;

export type ObservationEvent = z.output<typeof observationEventSchema>;
