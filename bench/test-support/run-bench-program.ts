// Runs a bench program the way its smoke tests do: in a fresh Node process, with `--json` into a
// scratch directory, and checks that it ended cleanly (exit 0, nothing on stderr) and wrote its
// three result files (JSON, Markdown, SVG). Returns the parsed JSON for the test's own checks.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** `flags` are space-separated; `more` follows them as they are (for paths). */
export function runBenchProgram<Result>(
  program: string,
  flags: string,
  jsonPath: string,
  more: readonly string[] = [],
  timeoutMs = 110_000,
): Result {
  const programArguments = [...flags.split(' '), ...more, '--json', jsonPath];
  const run = spawnSync(process.execPath, [program, ...programArguments], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(existsSync(jsonPath.replace(/\.json$/, '.md'))).toBe(true);
  expect(readFileSync(jsonPath.replace(/\.json$/, '.svg'), 'utf8')).toMatch(/^<svg /);
  return JSON.parse(readFileSync(jsonPath, 'utf8')) as Result;
}
