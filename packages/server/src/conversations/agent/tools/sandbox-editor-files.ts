/**
 * The editor's files inside a conversation's sandbox: every read and write is a small command run
 * in the sandbox, so the editor reaches exactly what the agent's commands reach, nothing of the
 * host. The path travels in an environment variable, never inside the command text.
 */
import type { RunResult, Sandbox } from '../../../runtime/sandbox.js';
import { ParleyError } from '../../../shared/errors.js';
import type { EditorFiles, FileKind } from './file-editor.js';

const kindScript =
  'if [ -d "$PARLEY_PATH" ]; then echo directory; elif [ -e "$PARLEY_PATH" ]; then echo file; else echo missing; fi';
const readScript = 'cat -- "$PARLEY_PATH"';
const writeScript = 'mkdir -p -- "$(dirname -- "$PARLEY_PATH")" && cat > "$PARLEY_PATH"';
const treeScript =
  'find "$PARLEY_PATH" -maxdepth 2 -not -path "*/.*" \\( -type d -printf "%p/\\n" -o -printf "%p\\n" \\)';

export class SandboxEditorFiles implements EditorFiles {
  readonly #sandbox: Sandbox;
  readonly #workspaceId: string;

  constructor(sandbox: Sandbox, workspaceId: string) {
    this.#sandbox = sandbox;
    this.#workspaceId = workspaceId;
  }

  async kind(path: string, signal: AbortSignal): Promise<FileKind> {
    const result = await this.#run(kindScript, path, signal);
    const kind = result.output.trim();
    if (result.exitCode !== 0 || (kind !== 'file' && kind !== 'directory' && kind !== 'missing')) {
      throw failed('inspect', path, result);
    }
    return kind;
  }

  async read(path: string, signal: AbortSignal): Promise<string> {
    const result = await this.#run(readScript, path, signal);
    if (result.exitCode !== 0) throw failed('read', path, result);
    if (result.truncated) {
      throw new ParleyError(
        'WORKSPACE_FILE_TOO_LARGE',
        `The file ${path} is too large for the editor; view parts of it with a command instead (for example sed -n '1,100p').`,
      );
    }
    if (result.output.includes('\u0000')) {
      throw new ParleyError(
        'WORKSPACE_FILE_BINARY',
        `The file ${path} is binary; the editor edits text files only.`,
      );
    }
    return result.output;
  }

  async write(path: string, text: string, signal: AbortSignal): Promise<void> {
    const result = await this.#run(writeScript, path, signal, text);
    if (result.exitCode !== 0) throw failed('write', path, result);
  }

  async tree(path: string, signal: AbortSignal): Promise<string[]> {
    const result = await this.#run(treeScript, path, signal);
    if (result.exitCode !== 0) throw failed('list', path, result);
    return result.output
      .split('\n')
      .filter((line) => line !== '')
      .sort();
  }

  #run(script: string, path: string, signal: AbortSignal, stdin?: string): Promise<RunResult> {
    return this.#sandbox.run(this.#workspaceId, script, {
      signal,
      env: { PARLEY_PATH: path },
      ...(stdin === undefined ? {} : { stdin }),
    });
  }
}

function failed(verb: string, path: string, result: RunResult): ParleyError {
  const detail = result.output.trim().split('\n').slice(-3).join(' ');
  return new ParleyError(
    'WORKSPACE_OPERATION_FAILED',
    `Could not ${verb} ${path}${detail === '' ? '' : `: ${detail}`}`,
  );
}
