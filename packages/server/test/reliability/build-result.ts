/** Turns what a scenario saw into its table row: runs the history checker on the stored logs. */
import { checkHistory } from './check-history.js';
import type { ScenarioEnvironment } from './environment.js';
import type { StoredLogs } from './log-reader.js';
import type { BoundCheck, ScenarioContext, ScenarioResult } from './scenario.js';

export function buildResult(
  environment: ScenarioEnvironment,
  context: ScenarioContext,
  details: {
    id: string;
    title: string;
    stored: StoredLogs;
    faults: number;
    bounds?: BoundCheck[];
    notes?: string[];
    /** Operations beyond the recorded writes (reads, probes, frames). */
    extraOperations?: number;
  },
): ScenarioResult {
  const check = checkHistory(environment.history, details.stored.logs);
  const bounds = [...(details.bounds ?? [])];
  if (details.stored.integrity !== undefined) {
    bounds.push({
      name: 'SQLite integrity_check',
      pass: details.stored.integrity === 'ok',
      detail: details.stored.integrity,
    });
  }
  return {
    id: details.id,
    title: details.title,
    database: context.database,
    profile: context.profile,
    operations: check.operations + (details.extraOperations ?? 0),
    faults: details.faults,
    check,
    crashes: environment.crashes,
    peakRssBytes: environment.peakRssBytes,
    bounds,
    notes: details.notes ?? [],
  };
}

/** A bound on a figure: passes when `value <= limit`. */
export function atMost(name: string, value: number, limit: number, unit = ''): BoundCheck {
  return {
    name,
    pass: value <= limit,
    detail: `${formatFigure(value)}${unit} (limit ${formatFigure(limit)}${unit})`,
  };
}

export function formatFigure(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function megabytes(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
