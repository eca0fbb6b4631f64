import { z } from 'zod';

// Extras of the observations the agent's tools log; loose like every server-produced extras.

/** Upstream `FileEditObservation`: `diff` is a unified diff of the change. */
export const fileEditObservationExtrasSchema = z.looseObject({
  path: z.string(),
  prev_exist: z.boolean().optional(),
  old_content: z.string().nullable().optional(),
  new_content: z.string().nullable().optional(),
  impl_source: z.string().optional(),
  diff: z.string().nullable().optional(),
});

/** Upstream `FileReadObservation`. */
export const fileReadObservationExtrasSchema = z.looseObject({
  path: z.string(),
  impl_source: z.string().optional(),
});

/** Upstream `MCPObservation`: the tool's name and the arguments it was called with. */
export const mcpObservationExtrasSchema = z.looseObject({
  name: z.string().optional(),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
