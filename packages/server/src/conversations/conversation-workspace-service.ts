/**
 * A conversation's workspace as the REST routes see it (upstream's list-files, select-file,
 * git changes and diff, upload-files and zip-directory): the conversation is checked to be the
 * caller's (another user's is `CONVERSATION_NOT_FOUND`, as everywhere), mapped to its workspace
 * (`workspaceIdFor`) and handed to `WorkspaceFiles`, which works inside the sandbox. Git changes,
 * git diff and select-file first wait for a command or an edit in flight (upstream's runtime runs
 * them behind it; see `workspace-action-wait.ts`). Also removes a deleted conversation's workspace.
 */
import type { EventStore } from '../events/event-store.js';
import type { Logger } from '../shared/logger.js';
import { ParleyError } from '../shared/errors.js';
import type { Sandbox } from '../runtime/sandbox.js';
import type {
  GitChange,
  GitDiff,
  WorkspaceArchive,
  WorkspaceFiles,
} from '../runtime/workspace-files.js';
import { sandboxWorkspaceDirectory } from '../runtime/bubblewrap-arguments.js';
import { validateConversationId } from './conversation-id.js';
import type { ConversationStore } from './conversation-store.js';
import { workspaceIdFor } from './conversation-workspace.js';
import { untilWorkspaceActionsAnswered } from './workspace-action-wait.js';

export type { GitChange, GitDiff, WorkspaceArchive } from '../runtime/workspace-files.js';

/** One file of an upload: its name as the client sent it and a way to read it within the cap. */
export interface IncomingFile {
  readonly name: string;
  /** The bytes, or `undefined` when the file was larger than `maxBytes` (the rest is drained). */
  read(maxBytes: number): Promise<Buffer | undefined>;
}

/** Upstream's `POSTUploadFilesModel`. */
export interface UploadResult {
  uploaded_files: string[];
  skipped_files: { name: string; reason: string }[];
}

export interface ConversationWorkspaceServiceOptions {
  conversations: ConversationStore;
  sandbox: Sandbox;
  files: WorkspaceFiles;
  logger: Logger;
  /** Largest file select-file shows and upload-files takes. */
  maxFileBytes: number;
  /**
   * The conversations' logs, read to wait for a command or an edit in flight; without them
   * nothing waits.
   */
  events?: EventStore;
  /** The longest such wait (default 30 s). */
  actionWaitMs?: number;
}

const defaultActionWaitMs = 30_000;

export class ConversationWorkspaceService {
  readonly #options: ConversationWorkspaceServiceOptions;

  constructor(options: ConversationWorkspaceServiceOptions) {
    this.#options = options;
  }

  get maxFileBytes(): number {
    return this.#options.maxFileBytes;
  }

  async listFiles(userId: string, conversationId: string, path = '', signal?: AbortSignal) {
    const workspaceId = await this.#workspaceOf(userId, conversationId, signal);
    return this.#options.files.list(workspaceId, path, signal === undefined ? {} : { signal });
  }

  /** The file's text; binary (not UTF-8, or a NUL byte) is `WORKSPACE_FILE_BINARY`. */
  async selectFile(
    userId: string,
    conversationId: string,
    file: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const workspaceId = await this.#workspaceOf(userId, conversationId, signal);
    await this.#untilActionsAnswered(conversationId, signal);
    const bytes = await this.#options.files.read(workspaceId, file, {
      maxBytes: this.#options.maxFileBytes,
      ...(signal === undefined ? {} : { signal }),
    });
    try {
      if (bytes.includes(0)) throw new TypeError('NUL byte');
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ParleyError('WORKSPACE_FILE_BINARY', `Unable to open binary file: ${file}`);
    }
  }

  async gitChanges(
    userId: string,
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<GitChange[]> {
    const workspaceId = await this.#workspaceOf(userId, conversationId, signal);
    await this.#untilActionsAnswered(conversationId, signal);
    return this.#options.files.gitChanges(workspaceId, signal === undefined ? {} : { signal });
  }

  async gitDiff(
    userId: string,
    conversationId: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<GitDiff> {
    const workspaceId = await this.#workspaceOf(userId, conversationId, signal);
    await this.#untilActionsAnswered(conversationId, signal);
    return this.#options.files.gitDiff(workspaceId, path, signal === undefined ? {} : { signal });
  }

  async archive(
    userId: string,
    conversationId: string,
    signal?: AbortSignal,
  ): Promise<WorkspaceArchive> {
    const workspaceId = await this.#workspaceOf(userId, conversationId, signal);
    return this.#options.files.archive(workspaceId, signal === undefined ? {} : { signal });
  }

  /**
   * Writes each file to `/workspace/<name>` as upstream does; a name that is empty or has a `/`,
   * `\`, `..` or NUL, a file over the cap, or a failed write is skipped with its reason. The
   * conversation is checked before any file is read.
   */
  async uploadFiles(
    userId: string,
    conversationId: string,
    files: AsyncIterable<IncomingFile>,
    signal?: AbortSignal,
  ): Promise<UploadResult> {
    const workspaceId = await this.#workspaceOf(userId, conversationId, signal);
    const result: UploadResult = { uploaded_files: [], skipped_files: [] };
    for await (const file of files) {
      const refusal = fileNameRefusal(file.name);
      const data = await file.read(this.#options.maxFileBytes);
      if (refusal !== undefined) {
        result.skipped_files.push({ name: file.name, reason: refusal });
        continue;
      }
      if (data === undefined) {
        const reason = `File is larger than ${this.#options.maxFileBytes} bytes`;
        result.skipped_files.push({ name: file.name, reason });
        continue;
      }
      try {
        await this.#options.files.write(workspaceId, file.name, data, {
          ...(signal === undefined ? {} : { signal }),
        });
        result.uploaded_files.push(`${sandboxWorkspaceDirectory}/${file.name}`);
      } catch (error) {
        if (!(error instanceof ParleyError) || error.code === 'OPERATION_ABORTED') throw error;
        result.skipped_files.push({ name: file.name, reason: error.message });
      }
    }
    return result;
  }

  /**
   * Removes a deleted conversation's workspace (its commands ended first). A failure is logged,
   * not thrown: the conversation is gone already, and the directory can be removed by hand.
   */
  async remove(conversationId: string): Promise<void> {
    const workspaceId = workspaceIdFor(conversationId);
    try {
      await this.#options.sandbox.removeWorkspace(workspaceId);
    } catch (error) {
      this.#options.logger.warn(
        { err: error, conversationId, workspaceId },
        'could not remove the workspace of a deleted conversation',
      );
    }
  }

  async #untilActionsAnswered(conversationId: string, signal?: AbortSignal): Promise<void> {
    const { events } = this.#options;
    if (events === undefined) return;
    await untilWorkspaceActionsAnswered(events, conversationId, {
      maxWaitMs: this.#options.actionWaitMs ?? defaultActionWaitMs,
      ...(signal === undefined ? {} : { signal }),
    });
  }

  async #workspaceOf(userId: string, conversationId: string, signal?: AbortSignal) {
    validateConversationId(conversationId);
    const owned = await this.#options.conversations.owns(userId, conversationId, { signal });
    if (!owned) throw new ParleyError('CONVERSATION_NOT_FOUND', 'Conversation not found');
    return workspaceIdFor(conversationId);
  }
}

/** Why an uploaded file's name is refused, or undefined when it is a plain file name. */
export function fileNameRefusal(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return 'The file name is empty';
  if (name.includes('\0')) return 'The file name contains a NUL character';
  if (name.includes('/') || name.includes('\\') || name.includes('..')) {
    return 'The file name must not contain /, \\ or ..';
  }
  return undefined;
}
