/** `main.ts` as a real child process (through tsx, resolving @parley/protocol to its source). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const mainFile = join(repositoryRoot, 'packages/server/src/main.ts');

export interface RunningProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `main.ts` with exactly `environment` (plus PATH and the tests' tsconfig). */
export function runMain(environment: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', mainFile], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      TSX_TSCONFIG_PATH: join(repositoryRoot, 'tsconfig.tests.json'),
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the first match of `pattern` in the process's stdout; rejects if it exits first. */
export async function waitForOutput(
  running: RunningProcess,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  for (;;) {
    const match = running.stdout().match(pattern);
    if (match !== null) return match;
    const finished = await Promise.race([
      running.exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 50)),
    ]);
    if (finished)
      throw new Error(`process exited early:\n${running.stdout()}\n${running.stderr()}`);
  }
}
