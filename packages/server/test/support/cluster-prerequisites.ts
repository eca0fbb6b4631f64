/**
 * Whether the cluster suites can run: HAProxy (`.ci/run` installs it with apt), PostgreSQL and
 * Redis. With CI=true anything missing fails the run; locally those suites are skipped with a
 * visible notice.
 */
import { findHaproxy } from '../../../../scripts/cluster/children.mjs';
import { adminQuery, postgresAdminUrl } from './test-databases.js';
import { redisIsAvailable } from './test-redis.js';

const isCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

export async function clusterPrerequisites(): Promise<boolean> {
  const missing: string[] = [];
  if (findHaproxy() === undefined)
    missing.push('HAProxy is not installed (apt-get install haproxy)');
  try {
    await adminQuery('SELECT 1');
  } catch {
    missing.push(`PostgreSQL is not reachable at ${postgresAdminUrl}`);
  }
  // Prints its own notice, or throws under CI.
  if (!(await redisIsAvailable())) missing.push('Redis is not reachable');
  if (missing.length === 0) return true;
  if (isCi) throw new Error(`${missing.join('; ')}, and CI=true forbids skipping`);
  console.warn(`\n*** NOTICE: ${missing.join('; ')}: the cluster suites are SKIPPED. ***\n`);
  return false;
}
