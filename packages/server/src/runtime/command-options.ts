/**
 * Checks what a caller passes with a command, before anything starts: the command text, the
 * working directory (never outside the workspace) and exported variables (portable names, no NUL).
 * Also the minimal environment every command gets.
 */
import { posix } from 'node:path';
import { ParleyError } from '../shared/errors.js';

const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const sandboxPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function validateCommand(command: string): string {
  if (typeof command !== 'string' || command.trim().length === 0) {
    throw invalid('The command is empty');
  }
  if (command.includes('\0')) throw invalid('The command contains a NUL character');
  return command;
}

/**
 * The working directory under `workspaceDirectory` (`cwd` relative to it, or absolute under it);
 * `..` that would leave the workspace is refused.
 */
export function resolveWorkingDirectory(
  workspaceDirectory: string,
  cwd: string | undefined,
): string {
  if (cwd === undefined || cwd === '') return workspaceDirectory;
  if (cwd.includes('\0')) throw invalid('The working directory contains a NUL character');
  const resolved = posix.resolve(workspaceDirectory, cwd);
  if (resolved !== workspaceDirectory && !resolved.startsWith(`${workspaceDirectory}/`)) {
    throw invalid(`The working directory ${cwd} is outside the workspace`);
  }
  return resolved;
}

/** The per-command timeout: `requested` when given (a positive number of ms), else `fallback`. */
export function resolveTimeout(requested: number | undefined, fallback: number): number {
  if (requested === undefined) return fallback;
  if (!Number.isFinite(requested) || requested <= 0 || requested > 2_147_483_647) {
    throw invalid(`The timeout must be a positive number of milliseconds, got ${requested}`);
  }
  return requested;
}

/** `PATH`, `HOME` (the workspace) and `LANG`, then `exported` (which may override them). */
export function commandEnvironment(
  home: string,
  exported: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const environment: Record<string, string> = { PATH: sandboxPath, HOME: home, LANG: 'C.UTF-8' };
  for (const [name, value] of Object.entries(exported ?? {})) {
    if (!variableNamePattern.test(name)) {
      throw invalid(`${JSON.stringify(name)} is not a valid environment variable name`);
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw invalid(`The value of ${name} must be a string without NUL characters`);
    }
    environment[name] = value;
  }
  return environment;
}

function invalid(message: string): ParleyError {
  return new ParleyError('SANDBOX_COMMAND_INVALID', message);
}
