/**
 * The short profile of every reliability scenario, as `npm run reliability` runs it, inside the
 * test suite: each scenario on each of its databases must keep every promise (nothing lost or
 * duplicated, no crash, every bound met). Needs the compiled server (`npm test` builds it first).
 */
import { describe, expect, it } from 'vitest';
import { testDatabaseBackends } from '../support/test-databases.js';
import { failuresOf } from './scenario.js';
import { scenarios } from './scenarios/index.js';

const backends = await testDatabaseBackends();
const postgresAvailable = backends.some(
  (backend) => backend.name === 'postgres' && backend.available,
);

describe('reliability scenarios (short profile)', () => {
  for (const scenario of scenarios) {
    for (const database of scenario.databases) {
      const skip = database === 'postgres' && !postgresAvailable;
      it.skipIf(skip)(
        `${scenario.id} ${scenario.title} (${database})`,
        async () => {
          const result = await scenario.run({ profile: 'short', database, progress: () => {} });
          expect(failuresOf(result)).toEqual([]);
          // The scenario did something: it recorded operations or injected faults.
          expect(result.operations + result.faults).toBeGreaterThan(0);
        },
        240_000,
      );
    }
  }
});
