import { hostname } from 'node:os';
import { z } from 'zod';
import type { ClusterConfig } from './config.js';

const milliseconds = z.coerce.number().int().positive().max(3_600_000);

/** The cluster's environment variables (merged into `loadConfig`'s schema). */
export const clusterEnvironment = {
  PARLEY_INSTANCE_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1-100 letters, digits, ".", "_", ":" or "-"')
    .optional(),
  PARLEY_LEASE_TTL_MS: milliseconds.min(100).default(10_000),
  PARLEY_LEASE_RENEW_MS: milliseconds.default(3_000),
  PARLEY_TAKEOVER_INTERVAL_MS: milliseconds.default(2_000),
  PARLEY_CATCH_UP_INTERVAL_MS: milliseconds.default(1_000),
};

/** Renewing no more often than the lease lasts would let it lapse between renewals. */
export function checkLeaseTimes(
  values: { PARLEY_LEASE_TTL_MS: number; PARLEY_LEASE_RENEW_MS: number },
  context: z.RefinementCtx,
): void {
  if (values.PARLEY_LEASE_RENEW_MS * 2 > values.PARLEY_LEASE_TTL_MS) {
    context.addIssue({
      code: 'custom',
      path: ['PARLEY_LEASE_RENEW_MS'],
      message: `must be at most half of PARLEY_LEASE_TTL_MS (${values.PARLEY_LEASE_TTL_MS})`,
    });
  }
}

export function clusterConfig(values: {
  PARLEY_INSTANCE_ID?: string | undefined;
  PARLEY_LEASE_TTL_MS: number;
  PARLEY_LEASE_RENEW_MS: number;
  PARLEY_TAKEOVER_INTERVAL_MS: number;
  PARLEY_CATCH_UP_INTERVAL_MS: number;
}): ClusterConfig {
  return {
    instanceId: values.PARLEY_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    leaseTtlMs: values.PARLEY_LEASE_TTL_MS,
    leaseRenewMs: values.PARLEY_LEASE_RENEW_MS,
    takeoverIntervalMs: values.PARLEY_TAKEOVER_INTERVAL_MS,
    catchUpIntervalMs: values.PARLEY_CATCH_UP_INTERVAL_MS,
  };
}
