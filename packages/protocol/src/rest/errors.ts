import { z } from 'zod';

/** Upstream's error body for domain errors. */
export const errorResponseSchema = z
  .object({
    status: z.literal('error').optional(),
    message: z.string(),
    msg_id: z.string().optional(),
    conversation_id: z.string().optional(),
    code: z.string().optional(),
  })
  .meta({ id: 'ErrorResponse' });

/** `{"error": "..."}`, used by the settings and secrets routes as upstream. */
export const simpleErrorSchema = z.object({ error: z.string() }).meta({ id: 'SimpleError' });

export const messageResponseSchema = z
  .object({ message: z.string() })
  .meta({ id: 'MessageResponse' });
