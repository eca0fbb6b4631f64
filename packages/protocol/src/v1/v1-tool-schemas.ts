import { z } from 'zod';
import { v1ContentSchema } from './v1-content.js';

// The `action` and `observation` objects inside V1 `ActionEvent` / `ObservationEvent` frames, one
// per tool, discriminated by `kind` (the sdk's tool classes; field names as the OpenHands V1 web
// client reads them). Every key Parley writes is listed.

/** The file editor's commands (`str_replace_editor`). */
export const v1FileEditorCommands = [
  'view',
  'create',
  'str_replace',
  'insert',
  'undo_edit',
] as const;

export const v1FileEditorCommandSchema = z.enum(v1FileEditorCommands);

export const v1ExecuteBashActionSchema = z.object({
  kind: z.literal('ExecuteBashAction'),
  command: z.string(),
  is_input: z.boolean(),
  /** Seconds, or null for the tool's default. */
  timeout: z.number().nonnegative().nullable(),
  reset: z.boolean(),
});

/** A call of the `str_replace_editor` tool: V0 `edit` (create, str_replace, insert, undo) or `read` (view). */
export const v1FileEditorActionSchema = z.object({
  kind: z.literal('FileEditorAction'),
  command: v1FileEditorCommandSchema,
  path: z.string(),
  file_text: z.string().nullable(),
  old_str: z.string().nullable(),
  new_str: z.string().nullable(),
  insert_line: z.number().int().nullable(),
  view_range: z.array(z.number().int()).nullable(),
});

/** A call of a tool an MCP server offers; `data` is the call's arguments. */
export const v1McpToolActionSchema = z.object({
  kind: z.literal('MCPToolAction'),
  data: z.record(z.string(), z.unknown()),
});

export const v1ToolActionSchema = z.discriminatedUnion('kind', [
  v1ExecuteBashActionSchema,
  v1FileEditorActionSchema,
  v1McpToolActionSchema,
]);

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

/**
 * The result of a `str_replace_editor` call. `output` is what the model saw; `error` is null (a
 * failed call is logged as an error observation, an `AgentErrorEvent` in V1). `diff` is Parley's
 * addition (the sdk has no field for it): the V0 observation's unified diff, null when it has none
 * (a view, or an edit logged without one), so a client can show the change without computing it.
 */
export const v1FileEditorObservationSchema = z.object({
  kind: z.literal('FileEditorObservation'),
  command: v1FileEditorCommandSchema,
  output: z.string(),
  path: z.string().nullable(),
  prev_exist: z.boolean(),
  old_content: z.string().nullable(),
  new_content: z.string().nullable(),
  error: z.string().nullable(),
  diff: z.string().nullable(),
});

/** The result of an MCP tool call: the tool's result as text, and whether the tool reported an error. */
export const v1McpToolObservationSchema = z.object({
  kind: z.literal('MCPToolObservation'),
  content: z.array(v1ContentSchema),
  is_error: z.boolean(),
  tool_name: z.string(),
});

export const v1ToolObservationSchema = z.discriminatedUnion('kind', [
  v1ExecuteBashObservationSchema,
  v1FileEditorObservationSchema,
  v1McpToolObservationSchema,
]);

export type V1FileEditorCommand = z.output<typeof v1FileEditorCommandSchema>;
export type V1ExecuteBashAction = z.output<typeof v1ExecuteBashActionSchema>;
export type V1FileEditorAction = z.output<typeof v1FileEditorActionSchema>;
export type V1McpToolAction = z.output<typeof v1McpToolActionSchema>;
export type V1ToolAction = z.output<typeof v1ToolActionSchema>;
export type V1ExecuteBashObservation = z.output<typeof v1ExecuteBashObservationSchema>;
export type V1FileEditorObservation = z.output<typeof v1FileEditorObservationSchema>;
export type V1McpToolObservation = z.output<typeof v1McpToolObservationSchema>;
export type V1ToolObservation = z.output<typeof v1ToolObservationSchema>;
