import { z } from 'zod';
import { confirmationStateSchema } from './confirmation-state.js';
import { securityRiskSchema } from './security-risk.js';

// The arguments of the actions the agent's tools log, as upstream's dataclasses serialize them
// (fields in upstream order). `confirmation_state` is on every action a user may have to confirm.

/** Upstream `FileEditAction` (the `str_replace_editor` tool's create, str_replace, insert, undo). */
export const fileEditActionArgsSchema = z.strictObject({
  path: z.string(),
  command: z.string().optional(),
  file_text: z.string().nullable().optional(),
  old_str: z.string().nullable().optional(),
  new_str: z.string().nullable().optional(),
  insert_line: z.number().int().nullable().optional(),
  content: z.string().optional(),
  start: z.number().int().optional(),
  end: z.number().int().optional(),
  thought: z.string().optional(),
  security_risk: securityRiskSchema.optional(),
  impl_source: z.string().optional(),
  confirmation_state: confirmationStateSchema.optional(),
});

/** Upstream `FileReadAction` (the `str_replace_editor` tool's view). */
export const fileReadActionArgsSchema = z.strictObject({
  path: z.string(),
  start: z.number().int().optional(),
  end: z.number().int().optional(),
  thought: z.string().optional(),
  security_risk: securityRiskSchema.optional(),
  impl_source: z.string().optional(),
  view_range: z.array(z.number().int()).nullable().optional(),
  confirmation_state: confirmationStateSchema.optional(),
});

/** Upstream `MCPAction`: a call of a tool an MCP server offers. */
export const mcpActionArgsSchema = z.strictObject({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()).optional(),
  thought: z.string().optional(),
  security_risk: securityRiskSchema.optional(),
  confirmation_state: confirmationStateSchema.optional(),
});
