import { z } from 'zod';

/** Upstream `ActionConfirmationStatus` values. */
export const confirmationStates = ['confirmed', 'rejected', 'awaiting_confirmation'] as const;

export const confirmationStateSchema = z.enum(confirmationStates);

export type ConfirmationState = z.infer<typeof confirmationStateSchema>;
