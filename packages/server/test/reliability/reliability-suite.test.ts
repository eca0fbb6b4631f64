/**
 * The short profile of every reliability scenario, as `npm run reliability` runs it, inside the
 * test suite: each scenario on each of its databases must keep every promise (nothing lost or
 * duplicated, no crash, every bound met). Needs the compiled server (`npm test` builds it first).
 */
import { describe, expect, it } from 'vitest';
import { bubblewrapAvailable } from '../support/bubblewrap.js';
import { testDatabaseBackends } from '../support/test-databases.js';
import { isKnownOpen, knownOpenPromises } from './known-open.js';
import { failuresOf } from './scenario.js';
import { scenarios } from './scenarios/index.js';

const backends = await testDatabaseBackends();
const postgresAvailable = backends.some(
  (backend) => backend.name === 'postgres' && backend.available,
);
// Asked only when a scenario needs it: without bwrap it warns (or, under CI, throws).
let sandboxAvailable: boolean | undefined;

describe('reliability scenarios (short profile)', () => {
  it('lists each known-open promise against a scenario that exists', () => {
    for (const known of knownOpenPromises) {
      expect(scenarios.map((scenario) => scenario.id)).toContain(known.scenario);
    }
  });

  for (const scenario of scenarios) {
    for (const database of scenario.databases) {
      const skip =
        (database === 'postgres' && !postgresAvailable) ||
        (scenario.needsBubblewrap === true && !(sandboxAvailable ??= bubblewrapAvailable()));
      it.skipIf(skip)(
        `${scenario.id} ${scenario.title} (${database})`,
        async () => {
          const result = await scenario.run({ profile: 'short', database, progress: () => {} });
          const failures = failuresOf(result);
          const knownOpen = failures.filter((failure) => isKnownOpen(scenario.id, failure));
          for (const failure of knownOpen) {
            console.warn(
              `*** KNOWN OPEN (see known-open.ts): ${scenario.id} ${database}: ${failure}`,
            );
          }
          expect(failures.filter((failure) => !isKnownOpen(scenario.id, failure))).toEqual([]);
          // The scenario did something: it recorded operations or injected faults.
          expect(result.operations + result.faults).toBeGreaterThan(0);
        },
        240_000,
      );
    }
  }
});
