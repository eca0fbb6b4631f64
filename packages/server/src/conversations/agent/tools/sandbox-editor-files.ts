/**
 * The editor's files inside a conversation's sandbox: reads and writes go through the runtime's
 * `WorkspaceFiles` (confined to the workspace), the kind of a path and a directory's tree are small
 * commands run in the sandbox, so the editor reaches nothing of the host. Paths travel in
 * environment variables, never inside the command text.
 */
import type { RunResult, Sandbox } from '../../../runtime/sandbox.js';
import type { WorkspaceFiles } from '../../../runtime/workspace-files.js';
import { ParleyError } from '../../../shared/errors.js';
import type { EditorFiles, FileKind } from './file-editor.js';

const kindScript =
  'if [ -d "$PARLEY_PATH" ]; then echo directory; elif [ -e "$PARLEY_PATH" ]; then echo file; else echo missing; fi';
/** Larger files are viewed in parts with commands (`sed -n`), as the error says. */
const editorMaxBytes = 1024 * 1024;
const treeScript =
  'find "$PARLEY_PATH" -maxdepth 2 -not -path "*/.*" \\( -type d -printf "%p/\\n" -o -printf "%p\\n" \\)';

export class SandboxEditorFiles implements EditorFiles {
  readonly #sandbox: Sandbox;
  readonly #files: WorkspaceFiles;
  readonly #workspaceId: string;

  constructor(sandbox: Sandbox, files: WorkspaceFiles, workspaceId: string) {
    this.#sandbox = sandbox;
    this.#files = files;
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
    let bytes: Buffer;
    try {
      bytes = await this.#files.read(this.#workspaceId, path, { maxBytes: editorMaxBytes, signal });
    } catch (error) {
      if (error instanceof ParleyError && error.code === 'WORKSPACE_FILE_TOO_LARGE') {
        throw new ParleyError(
          'WORKSPACE_FILE_TOO_LARGE',
          `The file ${path} is too large for the editor; view parts of it with a command instead (for example sed -n '1,100p').`,
        );
      }
      throw error;
    }
    if (bytes.includes(0)) {
      throw new ParleyError(
        'WORKSPACE_FILE_BINARY',
        `The file ${path} is binary; the editor edits text files only.`,
      );
    }
    return bytes.toString('utf8');
  }

  write(path: string, text: string, signal: AbortSignal): Promise<void> {
    return this.#files.write(this.#workspaceId, path, text, { signal });
  }

  async tree(path: string, signal: AbortSignal): Promise<string[]> {
    const result = await this.#run(treeScript, path, signal);
    if (result.exitCode !== 0) throw failed('list', path, result);
    return result.output
      .split('\n')
      .filter((line) => line !== '')
      .sort();
  }

  #run(script: string, path: string, signal: AbortSignal): Promise<RunResult> {
    return this.#sandbox.run(this.#workspaceId, script, { signal, env: { PARLEY_PATH: path } });
  }
}

function failed(verb: string, path: string, result: RunResult): ParleyError {
  const detail = result.output.trim().split('\n').slice(-3).join(' ');
  return new ParleyError(
    'WORKSPACE_OPERATION_FAILED',
    `Could not ${verb} ${path}${detail === '' ? '' : `: ${detail}`}`,
  );
}
