import { z } from 'zod';

/** Upstream `ToolCallMetadata.model_dump()` (`openhands/events/tool.py`). */
export const toolCallMetadataSchema = z.object({
  function_name: z.string(),
  tool_call_id: z.string(),
  /** The provider's response dump (litellm `ModelResponse`), kept as is. */
  model_response: z.record(z.string(), z.unknown()),
  total_calls_in_response: z.number().int().nonnegative(),
});

export type ToolCallMetadata = z.output<typeof toolCallMetadataSchema>;
