/**
 * The tools of a conversation whose agent acts in a sandbox: `execute_bash` and
 * `str_replace_editor` over the conversation's workspace, beside `think` and `finish`.
 */
import type { Sandbox } from '../../../runtime/sandbox.js';
import { workspaceIdFor } from '../../conversation-workspace.js';
import { finishTool, thinkTool, ToolRegistry, type AgentTool } from '../tool-registry.js';
import type { AgentLoopOptions } from '../agent-loop-options.js';
import { executeBashTool, runCommand } from './execute-bash-tool.js';
import { FileEditor } from './file-editor.js';
import { SandboxEditorFiles } from './sandbox-editor-files.js';
import { ShellSession } from './shell-session.js';
import { strReplaceEditorTool } from './str-replace-editor-tool.js';
import { workspaceSystemPrompt } from './workspace-system-prompt.js';

export interface WorkspaceToolsOptions {
  readonly sandbox: Sandbox;
  readonly conversationId: string;
  /** Report a command back after this long without output (default 30 s). */
  readonly quietMs?: number;
  /** More tools (MCP) offered beside the built-in ones. */
  readonly extraTools?: readonly AgentTool[];
}

/** A conversation's tools, and how the user's own commands (`run` actions) reach its shell. */
export interface ConversationTools {
  readonly registry: ToolRegistry;
  /** The system prompt for these tools; the manager's default when absent. */
  readonly systemPrompt?: string;
  readonly runUserCommand?: AgentLoopOptions['runUserCommand'];
}

export function createWorkspaceTools(options: WorkspaceToolsOptions): ConversationTools {
  const workspaceId = workspaceIdFor(options.conversationId);
  const shell = new ShellSession({
    sandbox: options.sandbox,
    workspaceId,
    ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
  });
  const editor = new FileEditor(new SandboxEditorFiles(options.sandbox, workspaceId));
  const registry = new ToolRegistry(
    [
      executeBashTool(shell),
      strReplaceEditorTool(editor),
      thinkTool,
      finishTool,
      ...(options.extraTools ?? []),
    ],
    [() => shell.close()],
  );
  return {
    registry,
    systemPrompt: workspaceSystemPrompt,
    runUserCommand: (command, runOptions) =>
      runCommand(shell, { command, isInput: false }, runOptions),
  };
}
