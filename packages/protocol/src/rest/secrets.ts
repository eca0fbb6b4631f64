import { z } from 'zod';
import { storableString } from './storable-text.js';

/** A custom secret's name: what agents and tools refer to it by (also its id in the API). */
export const secretNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z_][A-Za-z0-9_.-]*$/,
    'must start with a letter or _ and use letters, digits, _ . -',
  );

export const createSecretRequestSchema = z
  .strictObject({
    name: secretNameSchema,
    value: storableString().min(1).max(65_536),
    description: storableString().max(1_000).nullable().optional(),
  })
  .meta({ id: 'CreateSecretRequest' });
export type CreateSecretRequest = z.infer<typeof createSecretRequestSchema>;

/** `PUT /api/secrets/{id}`: rename, describe, and optionally replace the value. */
export const updateSecretRequestSchema = z
  .strictObject({
    name: secretNameSchema,
    description: storableString().max(1_000).nullable().optional(),
    value: storableString().min(1).max(65_536).optional(),
  })
  .meta({ id: 'UpdateSecretRequest' });
export type UpdateSecretRequest = z.infer<typeof updateSecretRequestSchema>;

/** `GET /api/secrets`: names and descriptions only, never values. */
export const secretListSchema = z
  .object({
    custom_secrets: z.array(z.object({ name: z.string(), description: z.string().nullable() })),
  })
  .meta({ id: 'CustomSecretList' });
export type SecretList = z.infer<typeof secretListSchema>;
