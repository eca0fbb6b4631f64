/** What a reliability scenario is and what it reports (one row of the table). */
import type { CheckResult } from './check-history.js';

export type Profile = 'short' | 'full';
export type DatabaseKind = 'sqlite' | 'postgres';

export interface ScenarioContext {
  readonly profile: Profile;
  readonly database: DatabaseKind;
  /** Progress for the person running the program (not part of the result). */
  readonly progress: (message: string) => void;
}

/** One promise of the scenario beyond the history check, with the figure that decided it. */
export interface BoundCheck {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly database: DatabaseKind;
  readonly profile: Profile;
  /** Client writes and reads recorded in the history. */
  readonly operations: number;
  /** Faults injected: kills, drops, malformed inputs, provider errors… */
  readonly faults: number;
  readonly check: CheckResult;
  /** Server processes that ended without being told to. */
  readonly crashes: number;
  readonly peakRssBytes: number;
  readonly bounds: readonly BoundCheck[];
  readonly notes: readonly string[];
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The databases it runs on (the storage-heavy ones run on both). */
  readonly databases: readonly DatabaseKind[];
  /** Runs commands in the bubblewrap sandbox (the test suite skips it, with a notice, without bwrap). */
  readonly needsBubblewrap?: boolean;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** Whether a result keeps every promise: nothing lost, duplicated or crashed, every bound met. */
export function resultPasses(result: ScenarioResult): boolean {
  return failuresOf(result).length === 0;
}

/** Each broken promise of a result, in words. */
export function failuresOf(result: ScenarioResult): string[] {
  const failures = [
    ...result.check.lost.map((entry) => `lost: ${entry}`),
    ...result.check.duplicated.map((entry) => `duplicated: ${entry}`),
    ...result.check.logGaps.map((entry) => `log gap: ${entry}`),
    ...result.check.streamFaults.map((entry) => `stream: ${entry}`),
    ...result.bounds
      .filter((bound) => !bound.pass)
      .map((bound) => `${bound.name}: ${bound.detail}`),
  ];
  if (result.crashes > 0) failures.push(`${result.crashes} server crash(es)`);
  return failures;
}
