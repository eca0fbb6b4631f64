import { z } from 'zod';

/** Upstream `ActionSecurityRisk` as serialized: -1 unknown, 0 low, 1 medium, 2 high. */
export const securityRisks = [-1, 0, 1, 2] as const;

export const securityRiskSchema = z.literal(securityRisks);

export type SecurityRisk = z.infer<typeof securityRiskSchema>;

export function isSecurityRisk(value: unknown): value is SecurityRisk {
  return securityRisks.some((risk) => risk === value);
}
