import { z } from 'zod';
import { isOneOf } from './is-one-of.js';

/** Upstream `ActionSecurityRisk` as serialized: -1 unknown, 0 low, 1 medium, 2 high. */
export const securityRisks = [-1, 0, 1, 2] as const;

export const securityRiskSchema = z.literal(securityRisks);

export type SecurityRisk = z.infer<typeof securityRiskSchema>;

export const isSecurityRisk = isOneOf(securityRisks);
